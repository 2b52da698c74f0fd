/* fuzz-decode.h - what fuzz-decode.c (the libFuzzer target for the dbt
 * decoder) counts for its driver, fuzz-decode-driver.c. */
#ifndef VESSEL_FUZZ_DECODE_H
#define VESSEL_FUZZ_DECODE_H

typedef struct {
    unsigned long decoded;      /* instructions with a kind */
    unsigned long undefined;    /* DBT_KIND_NONE: #UD when executed */
    unsigned long too_long;     /* -DBT_EXC_GP: more than 15 bytes */
    unsigned long short_fetch;  /* -DBT_EXC_PF at the end of the input */
} FuzzDecodeCounters;

extern FuzzDecodeCounters fuzz_decode_counters;

#endif
