#!/bin/sh
# test-dbt-sys-interp.sh - the system-level guest programs under the interpreter
# (VESSEL_DBT=interp), the reference backend; test-dbt-sys itself runs
# under the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec ./test-dbt-sys --tap "$@"
