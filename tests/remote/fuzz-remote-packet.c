/* fuzz-remote-packet.c - libFuzzer target: vesseld's libvirt packet
 * decoder, as a client's bytes reach it.
 *
 * The input is a byte stream cut into packets exactly as RemoteClient
 * cuts it (length word checked against REMOTE_PACKET_IN_MAX before
 * anything is buffered), each header decoded, and the payload decoded
 * with the argument filter of the procedure the header names - or, for
 * numbers the table lacks, of the entry the number picks, so every
 * filter is reached - and with the remote_error filter.  Nothing may
 * crash, leak or read out of bounds (ASan, UBSan).
 *
 * make check runs it through fuzz-driver.c (fixed seed); for libFuzzer:
 *   tests/remote/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options] */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "remote/remote_dispatch.h"
#include "remote/remote_packet.h"
#include "remote/remote_procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

unsigned long fuzz_remote_packets, fuzz_remote_decoded, fuzz_remote_known;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gsize n_procs;
    const RemoteProc *table = remote_proc_table(&n_procs);
    while (size >= REMOTE_PACKET_LEN_SIZE) {
        guint32 len;
        if (!remote_packet_length(data, REMOTE_PACKET_IN_MAX, &len, NULL) || len > size)
            break;
        fuzz_remote_packets++;
        RemotePacketHeader h;
        if (remote_packet_header_decode(data, len, &h, NULL)) {
            const RemoteProc *proc = remote_proc_find(h.proc);
            bool known = proc != NULL;
            if (!proc)
                proc = &table[(guint32)h.proc % n_procs];
            fuzz_remote_known += known;
            void *args = remote_dispatch_decode_args(proc, data, len, NULL);
            if (args) {
                fuzz_remote_decoded += known;
                remote_dispatch_free_args(proc, args);
            }
            RemoteError e;
            memset(&e, 0, sizeof(e));
            if (remote_packet_payload_decode(data, len, (xdrproc_t)remote_xdr_error, &e, NULL))
                xdr_free((xdrproc_t)remote_xdr_error, (char *)&e);
        }
        data += len;
        size -= len;
    }
    return 0;
}
