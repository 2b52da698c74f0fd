/* scsi.c - virtio-scsi host adapter with CD-ROM targets (scsi.h).
 *
 * Queues (virtio 1.0, 5.6): 0 control, 1 event, 2 requests.  A request
 * is the command header (8-byte LUN address, task tag, attributes, a
 * CDB of cdb_size bytes) in the readable part, then data-out; in the
 * writable part the response header (sense length, residual, status
 * qualifier, status, response, sense_size bytes of sense), then
 * data-in.  cdb_size and sense_size are the defaults, 32 and 96; the
 * configuration is read-only (Linux writes those same values back;
 * the transport ignores writes without a config_write op).
 *
 * LUN addressing (5.6.6.1): byte 0 is 1, byte 1 the target, bytes 2-3
 * the LUN in flat space (0x40 | high bits); a target we do not have is
 * VIRTIO_SCSI_S_BAD_TARGET.  A request too short to hold both headers
 * cannot be answered and breaks the device (as in blk.c).  A data-in
 * buffer smaller than a READ asks for is VIRTIO_SCSI_S_OVERRUN.
 *
 * Threads: commands are served by one I/O worker of the adapter's own
 * (the sandbox lets only I/O threads read images), kicked by the
 * guest's notify, through the request loop blk.c uses too
 * (queue_worker.h: pop under the device lock, the command without it,
 * reading straight into guest buffers the walker checked, push and
 * interrupt under it; reset drops a command in flight, pause waits for
 * it).  Control requests are served on the vCPU thread: they do no
 * I/O.
 *
 * Control queue: task management (abort, resets) succeeds at once,
 * since a command in flight always completes; asynchronous notification
 * queries and subscriptions get no events.  The event queue is never
 * used (no hotplug, no media change: VIRTIO_SCSI_F_* are not offered). */
#include "vmm/virtio/scsi.h"
#include "vmm/virtio/queue_worker.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define VIRTIO_SCSI_ID 8
#define VIRTIO_SCSI_QUEUE_MAX 128
#define VIRTIO_SCSI_CDB_SIZE 32u
#define VIRTIO_SCSI_SENSE_SIZE 96u
#define VIRTIO_SCSI_REQ_HDR (19u + VIRTIO_SCSI_CDB_SIZE)
#define VIRTIO_SCSI_RESP_HDR (12u + VIRTIO_SCSI_SENSE_SIZE)

enum { VIRTIO_SCSI_Q_CONTROL = 0, VIRTIO_SCSI_Q_EVENT = 1, VIRTIO_SCSI_Q_REQUEST = 2 };
enum { VIRTIO_SCSI_S_OK = 0, VIRTIO_SCSI_S_OVERRUN = 1, VIRTIO_SCSI_S_BAD_TARGET = 3 };
enum { VIRTIO_SCSI_T_TMF = 0, VIRTIO_SCSI_T_AN_QUERY = 1, VIRTIO_SCSI_T_AN_SUBSCRIBE = 2 };

/* struct virtio_scsi_config (5.6.4), little-endian. */
typedef struct __attribute__((packed)) {
    uint32_t num_queues;
    uint32_t seg_max;
    uint32_t max_sectors;
    uint32_t cmd_per_lun;
    uint32_t event_info_size;
    uint32_t sense_size;
    uint32_t cdb_size;
    uint16_t max_channel;
    uint16_t max_target;
    uint32_t max_lun;
} VirtioScsiConfig;
G_STATIC_ASSERT(sizeof(VirtioScsiConfig) == 36);

struct VirtioScsi {
    VirtioPci *vp;
    VirtioScsiConfig config;
    ScsiCd *cds[VIRTIO_SCSI_MAX_TARGETS];
    unsigned ncds;
    QueueWorker *qw;
    struct iovec iov[VIRTQ_MAX_SEGS];   /* the worker's */
    VirtqElem ctl_elem;     /* vCPU thread, device lock */
};

/* The CD-ROM a LUN address names, its LUN in *@lun; NULL: bad target. */
static ScsiCd *virtio_scsi_target(VirtioScsi *vs, const uint8_t addr[8], unsigned *lun)
{
    if (addr[0] != 1 || addr[1] >= vs->ncds || (addr[2] & 0xc0) != 0x40 ||
        addr[4] | addr[5] | addr[6] | addr[7])
        return NULL;
    *lun = (unsigned)(addr[2] & 0x3f) << 8 | addr[3];
    return vs->cds[addr[1]];
}

/* The writable segments past the response header as an iovec. */
static int virtio_scsi_data_in(VirtioScsi *vs, const VirtqElem *e)
{
    size_t skip = VIRTIO_SCSI_RESP_HDR;
    int n = 0;
    for (unsigned s = e->nout; s < e->nout + e->nin; s++) {
        if (skip >= e->seg[s].len) {
            skip -= e->seg[s].len;
            continue;
        }
        vs->iov[n++] = (struct iovec){ e->seg[s].host + skip, e->seg[s].len - skip };
        skip = 0;
    }
    return n;
}

static void le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* One command (the worker's); the bytes written, or -EIO if it cannot
 * be answered. */
static int virtio_scsi_command(void *opaque, unsigned worker, const VirtqElem *e)
{
    VirtioScsi *vs = opaque;
    (void)worker;
    uint8_t req[VIRTIO_SCSI_REQ_HDR];
    uint8_t resp[VIRTIO_SCSI_RESP_HDR] = { 0 };
    if (e->out_len < sizeof(req) || e->in_len < sizeof(resp))
        return -EIO;
    virtq_elem_from_guest(e, 0, req, sizeof(req));
    const uint8_t *cdb = req + 19;
    size_t in_data = e->in_len - sizeof(resp), out_data = e->out_len - sizeof(req);
    unsigned lun = 0;
    ScsiCd *cd = virtio_scsi_target(vs, req, &lun);
    ScsiResult res = { 0 };
    if (!cd) {
        resp[11] = VIRTIO_SCSI_S_BAD_TARGET;
    } else {
        int n = virtio_scsi_data_in(vs, e);
        scsi_cd_command(cd, lun, cdb, VIRTIO_SCSI_CDB_SIZE, vs->iov, n, in_data, &res);
        resp[11] = res.overrun ? VIRTIO_SCSI_S_OVERRUN : VIRTIO_SCSI_S_OK;
        resp[10] = res.status;
        if (res.status == SCSI_STATUS_CHECK_CONDITION) {
            le32_put(resp, sizeof(res.sense));
            memcpy(resp + 12, res.sense, sizeof(res.sense));
        }
        /* residual: what was not transferred, in the direction used */
        le32_put(resp + 4, (uint32_t)(in_data ? in_data - res.data_in : out_data));
    }
    virtq_elem_to_guest(e, 0, resp, sizeof(resp));
    return (int)(sizeof(resp) + res.data_in);
}

/* One control request; the bytes written. */
static int virtio_scsi_control(VirtioScsi *vs)
{
    const VirtqElem *e = &vs->ctl_elem;
    uint8_t req[24] = { 0 };
    virtq_elem_from_guest(e, 0, req, MIN(e->out_len, sizeof(req)));
    uint32_t type = (uint32_t)req[0] | (uint32_t)req[1] << 8 | (uint32_t)req[2] << 16 |
                    (uint32_t)req[3] << 24;
    unsigned lun;
    if (type == VIRTIO_SCSI_T_TMF && e->out_len >= 24 && e->in_len >= 1) {
        uint8_t response = virtio_scsi_target(vs, req + 8, &lun) ? VIRTIO_SCSI_S_OK
                                                                 : VIRTIO_SCSI_S_BAD_TARGET;
        return (int)virtq_elem_to_guest(e, 0, &response, 1);
    }
    if ((type == VIRTIO_SCSI_T_AN_QUERY || type == VIRTIO_SCSI_T_AN_SUBSCRIBE) &&
        e->out_len >= 16 && e->in_len >= 5) {
        uint8_t resp[5] = { 0, 0, 0, 0, 0 };    /* no events, OK */
        if (!virtio_scsi_target(vs, req + 4, &lun))
            resp[4] = VIRTIO_SCSI_S_BAD_TARGET;
        return (int)virtq_elem_to_guest(e, 0, resp, sizeof(resp));
    }
    return 0;                           /* unknown: nothing to say */
}

static const QueueWorkerOps virtio_scsi_worker_ops = {
    .serve = virtio_scsi_command,
};

/* vCPU thread, device lock held. */
static void virtio_scsi_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioScsi *vs = opaque;
    if (q == VIRTIO_SCSI_Q_REQUEST) {
        queue_worker_kick(vs->qw);
        return;
    }
    if (q == VIRTIO_SCSI_Q_EVENT)
        return;                         /* buffers for events we never send */
    bool any = false;
    while (virtio_pci_pop(vp, q, &vs->ctl_elem) > 0) {
        int n = virtio_scsi_control(vs);
        if (virtio_pci_push(vp, q, &vs->ctl_elem, (uint32_t)n) < 0)
            break;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vp, q);
}

/* Device lock held (guest reset, machine reset). */
static void virtio_scsi_reset(void *opaque)
{
    VirtioScsi *vs = opaque;
    queue_worker_reset(vs->qw);
}

void virtio_scsi_set_paused(VirtioScsi *vs, bool paused)
{
    queue_worker_set_paused(vs->qw, paused);
}

void virtio_scsi_stop(VirtioScsi *vs)
{
    queue_worker_stop(vs->qw);
}

static const VirtioDeviceOps virtio_scsi_ops = {
    .name = "virtio-scsi",
    .device_id = VIRTIO_SCSI_ID,
    .pci_class = 0x010000,              /* SCSI storage controller */
    .num_queues = 3,
    .queue_max = VIRTIO_SCSI_QUEUE_MAX,
    .queue_notify = virtio_scsi_notify,
    .reset = virtio_scsi_reset,
};

VirtioScsi *virtio_scsi_create(PciHost *host, const VirtioGuestMem *mem, const IoThreadLock *lock,
                               ScsiCd **cds, unsigned n)
{
    VirtioScsi *vs = g_new0(VirtioScsi, 1);
    g_assert(n >= 1 && n <= VIRTIO_SCSI_MAX_TARGETS);
    memcpy(vs->cds, cds, n * sizeof(*cds));
    vs->ncds = n;
    vs->config = (VirtioScsiConfig){
        .num_queues = 1,
        .seg_max = VIRTIO_SCSI_QUEUE_MAX - 2,
        .max_sectors = 0xffff,
        .cmd_per_lun = VIRTIO_SCSI_QUEUE_MAX,
        .event_info_size = 16,
        .sense_size = VIRTIO_SCSI_SENSE_SIZE,
        .cdb_size = VIRTIO_SCSI_CDB_SIZE,
        .max_channel = 0,
        .max_target = (uint16_t)(n - 1),
        .max_lun = 0,
    };
    /* the worker first: the transport's reset drains it */
    vs->qw = queue_worker_new("vessel-scsi", 1, VIRTIO_SCSI_Q_REQUEST, lock,
                              &virtio_scsi_worker_ops, vs);
    if (vs->qw)
        vs->vp = virtio_pci_create(host, mem, &virtio_scsi_ops, vs, 0, &vs->config,
                                   sizeof(vs->config));
    if (!vs->vp) {
        virtio_scsi_destroy(vs);
        return NULL;
    }
    queue_worker_attach(vs->qw, vs->vp);
    return vs;
}

void virtio_scsi_destroy(VirtioScsi *vs)
{
    if (!vs)
        return;
    virtio_scsi_stop(vs);
    virtio_pci_destroy(vs->vp);
    queue_worker_free(vs->qw);
    for (unsigned i = 0; i < vs->ncds; i++)
        scsi_cd_free(vs->cds[i]);
    g_free(vs);
}

VirtioPci *virtio_scsi_transport(VirtioScsi *vs)
{
    return vs->vp;
}
