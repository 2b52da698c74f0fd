#!/bin/sh
# test-dbt-diff-interp.sh - the differential harness under the interpreter
# (VESSEL_DBT=interp), the reference backend; test-dbt-diff itself runs
# under the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec ./test-dbt-diff --tap "$@"
