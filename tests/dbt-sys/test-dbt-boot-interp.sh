#!/bin/sh
# test-dbt-boot-interp.sh - the Linux boot test (1 and 2 vCPUs) under the
# interpreter (VESSEL_DBT=interp), the reference backend;
# test-dbt-boot.sh itself runs under the default backend, the translator.
VESSEL_DBT=interp
export VESSEL_DBT
exec /bin/sh "$top_srcdir/tests/dbt-sys/test-dbt-boot.sh" "$@"
