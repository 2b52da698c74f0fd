/* stats.c - printing the dbt CPU's statistics.
 *
 * The counters themselves are incremented with DBT_STAT_INC() and compile
 * away unless the tree is configured with CPPFLAGS=-DDBT_STATS; the
 * retired instruction count is always kept (cheap, per block) so a
 * benchmark can print guest MIPS from any build.  Output is "dbt-stats:"
 * lines on stderr, one "name value" per counter, for tests/bench. */
#include <stdio.h>

#include "vmm/dbt/cpu.h"
#include "vmm/dbt/stats.h"

void dbt_stats_print(const DbtCpu *cpu, int index)
{
    fprintf(stderr, "dbt-stats: vcpu %d insns_retired %llu\n", index,
            (unsigned long long)cpu->total_insns);
#ifdef DBT_STATS
#define DBT_STATS_PRINT(name, what) \
    fprintf(stderr, "dbt-stats: vcpu %d %s %llu (%s)\n", index, #name, \
            (unsigned long long)cpu->stats.name, what);
    DBT_STATS_FIELDS(DBT_STATS_PRINT)
#undef DBT_STATS_PRINT
#endif
}

#ifdef DBT_STATS
#include <stdlib.h>

void dbt_prof_init(DbtCpu *cpu)
{
    if (!getenv("VESSEL_DBT_PROFILE"))
        return;
    cpu->prof_cap = 1u << 16;
    cpu->prof = malloc(cpu->prof_cap * sizeof(uint64_t));
    if (!cpu->prof)
        abort();
    cpu->prof_next = DBT_PROF_PERIOD;
}

void dbt_prof_sample(DbtCpu *cpu)
{
    if (cpu->prof_n == cpu->prof_cap) {
        cpu->prof_cap *= 2;
        cpu->prof = realloc(cpu->prof, cpu->prof_cap * sizeof(uint64_t));
        if (!cpu->prof)
            abort();
    }
    cpu->prof[cpu->prof_n++] = cpu->rip;
    cpu->prof_next += DBT_PROF_PERIOD;
}

void dbt_prof_finish(DbtCpu *cpu)
{
    const char *path = getenv("VESSEL_DBT_PROFILE");
    FILE *f = path && cpu->prof ? fopen(path, "w") : NULL;
    if (f) {
        for (size_t k = 0; k < cpu->prof_n; k++)
            fprintf(f, "%llx\n", (unsigned long long)cpu->prof[k]);
        fclose(f);
    } else if (cpu->prof) {
        fprintf(stderr, "dbt: cannot write the profile to %s\n", path);
    }
    free(cpu->prof);
    cpu->prof = NULL;
}
#endif
