/* jit_buf.c - the translator's code cache: one buffer per vCPU, mapped
 * twice from a memfd, writable at one address and executable at another,
 * so that no page is ever writable and executable at once (W^X).  Code
 * is appended; when the buffer is full everything is dropped together
 * with every decoded block (dbt_block_flush_all), so no block or patched
 * jump can point into freed code.  The entry and exit trampolines sit at
 * the start and survive flushes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/dbt/jit_int.h"

/* Map @size bytes of a new memfd twice.  The executable view is placed
 * near this program's code when the kernel agrees, so translated code
 * can call the ops with 32-bit displacements (x86_call falls back to an
 * indirect call otherwise). */
static int map_twice(DbtJit *j, size_t size)
{
    j->fd = memfd_create("vessel-dbt-code", MFD_CLOEXEC);
    if (j->fd < 0)
        return -errno;
    if (ftruncate(j->fd, (off_t)size) < 0)
        goto fail;
    j->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
    if (j->rw == MAP_FAILED)
        goto fail;
    uintptr_t hint = ((uintptr_t)(void *)dbt_jit_map_hint + (512u << 20)) & ~(uintptr_t)0xfffff;
    j->rx = mmap((void *)hint, size, PROT_READ | PROT_EXEC, MAP_SHARED, j->fd, 0);
    if (j->rx == MAP_FAILED) {
        munmap(j->rw, size);
        goto fail;
    }
    j->size = size;
    return 0;
fail:;
    int e = -errno;
    close(j->fd);
    return e;
}

/* Anything the hint can point at: a function of this program. */
void dbt_jit_map_hint(void)
{
}

DbtJit *dbt_jit_buf_new(size_t size)
{
    DbtJit *j = calloc(1, sizeof(*j));
    if (!j)
        abort();
    int r = map_twice(j, size);
    if (r < 0) {
        fprintf(stderr, "dbt: no code buffer for the translator (%s); interpreting\n",
                strerror(-r));
        free(j);
        return NULL;
    }
    j->delta = (intptr_t)j->rx - (intptr_t)j->rw;
    return j;
}

void dbt_jit_buf_free(DbtJit *j)
{
    if (!j)
        return;
    munmap(j->rw, j->size);
    munmap(j->rx, j->size);
    close(j->fd);
    free(j);
}

X86Buf dbt_jit_buf_open(DbtJit *j)
{
    return (X86Buf){ j->rw + j->used, j->rw + j->size, false };
}

void *dbt_jit_buf_commit(DbtJit *j, const X86Buf *b)
{
    uint8_t *start = j->rw + j->used;
    if (b->full)
        return NULL;
    size_t end = (size_t)(b->p - j->rw);
    j->used = (end + 15) & ~(size_t)15;
    return start + j->delta;
}

void dbt_jit_buf_reset(DbtJit *j)
{
    j->used = j->keep;
}
