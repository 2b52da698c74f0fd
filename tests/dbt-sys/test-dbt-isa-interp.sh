#!/bin/sh
# test-dbt-isa-interp.sh - the ISA checks against the host under the interpreter
# (VESSEL_DBT=interp), the reference backend; test-dbt-isa itself runs
# under the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec ./test-dbt-isa --tap "$@"
