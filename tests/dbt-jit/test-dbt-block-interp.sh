#!/bin/sh
# test-dbt-block-interp.sh - the block-level cases under the interpreter
# (VESSEL_DBT=interp), the reference backend; test-dbt-block itself runs
# under the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec ./test-dbt-block --tap "$@"
