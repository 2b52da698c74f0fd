#!/bin/sh
# test-dbt-atomic-interp.sh - locked instructions across two CPUs under
# the interpreter (VESSEL_DBT=interp); test-dbt-atomic itself runs under
# the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec ./test-dbt-atomic --tap "$@"
