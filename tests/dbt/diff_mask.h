/*
 * diff_mask.h - what the differential harness does not compare, case by
 * case: the rows of vmm/dbt/vendor.def.  An UNDEF or MODEL row masks what
 * the SDM leaves undefined (or what is the model's own) for the case's
 * very operands, on every host; a VENDOR row masks exactly where Intel
 * and AMD differ, only on a host whose vendor is not the one the dbt CPU
 * advertises (on such a host the dbt CPU does as Intel, the host not).
 */
#ifndef VESSEL_TESTS_DIFF_MASK_H
#define VESSEL_TESTS_DIFF_MASK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff.h"

/* The vendor the dbt CPU advertises (CPUID leaf 0, vmm/dbt/cpuid.c). */
#define DIFF_MODEL_VENDOR "GenuineIntel"

/* Bits not compared for one case. */
typedef struct DiffMask {
    uint64_t rflags;
    uint16_t fsw;
    uint8_t ftw;
    bool cr2;
} DiffMask;

typedef enum {
    DIFF_ROW_VENDOR, DIFF_ROW_UNDEF, DIFF_ROW_MODEL, DIFF_ROW_HOST, DIFF_ROW_SDM,
    DIFF_ROW_OTHER,
} DiffRowKind;

/* A case with the host outcomes of both vendors, for the unit test of
 * the masking: @intel is what the dbt CPU gives, @amd what an AMD host
 * gives; @unlisted is the same difference on a form the row does not
 * list (it must not be masked). */
typedef struct DiffSample {
    DiffCase c, unlisted;
    DiffResult intel, amd;
} DiffSample;

typedef struct DiffRow {
    const char *id;
    DiffRowKind kind;
    const char *what, *intel, *amd, *dbt, *sdm, *how, *masked;
    /* Adds this row's mask for case @c (host outcome @ref) to @m; true if
     * the row applies to the case.  NULL for rows without a mask. */
    bool (*apply)(const DiffCase *c, const DiffResult *ref, DiffMask *m);
    void (*sample)(DiffSample *s);      /* VENDOR rows */
} DiffRow;

extern const DiffRow diff_rows[];
extern const unsigned diff_nrows;

/* The host CPU's vendor string (CPUID leaf 0). */
const char *diff_host_vendor(void);

/* The mask of case @c whose host outcome is @ref: every UNDEF and MODEL
 * row, and the VENDOR rows if @other_vendor.  @applied (diff_nrows
 * entries, or NULL) is set for each row that applied. */
void diff_mask_case(const DiffCase *c, const DiffResult *ref, bool other_vendor, DiffMask *m,
                    bool *applied);

/* The table of vmm/dbt/README, from the rows. */
void diff_rows_print(FILE *f);

#endif /* VESSEL_TESTS_DIFF_MASK_H */
