/* scsi_cd.c - a read-only CD-ROM logical unit (scsi_cd.h).
 *
 * One table maps operation codes to handlers.  A handler either answers
 * from a small reply buffer (INQUIRY, READ CAPACITY, MODE SENSE, READ
 * TOC, GET CONFIGURATION, ...), which scsi_cd_command then cuts to the
 * CDB's allocation length and the initiator's buffers, or reads sectors
 * of the image straight into those buffers (READ 10/12/16).  What the
 * disc looks like to the guest: one complete session holding one data
 * track (mode 1) from LBA 0 to the end of the image, in a tray drive
 * that reports a CD-ROM profile (0x0008) and media present; there is no
 * eject (the medium is the image) and no unit attention.
 *
 * Multi-byte fields in CDBs and replies are big-endian (SCSI).  Sense
 * data is fixed format (response code 0x70), 18 bytes.  References:
 * SPC-4 (INQUIRY, REQUEST SENSE, REPORT LUNS, MODE SENSE, sense keys),
 * SBC-3 (READ CAPACITY, READ), MMC-6 (READ TOC/PMA/ATIP, GET
 * CONFIGURATION, GET EVENT STATUS NOTIFICATION, READ DISC INFORMATION,
 * the capabilities mode page 0x2a). */
#include "config.h"

#include "vmm/virtio/scsi_cd.h"
#include "i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define REPLY_MAX 256

/* Sense keys and additional sense codes (ASC << 8 | ASCQ). */
enum {
    SENSE_NO_SENSE = 0x0, SENSE_MEDIUM_ERROR = 0x3, SENSE_ILLEGAL_REQUEST = 0x5,
    SENSE_DATA_PROTECT = 0x7,
};
enum {
    ASC_NONE = 0x0000, ASC_UNRECOVERED_READ = 0x1100, ASC_INVALID_OPCODE = 0x2000,
    ASC_LBA_OUT_OF_RANGE = 0x2100, ASC_INVALID_FIELD = 0x2400, ASC_LUN_NOT_SUPPORTED = 0x2500,
    ASC_WRITE_PROTECTED = 0x2700, ASC_SAVING_NOT_SUPPORTED = 0x3900,
};

struct ScsiCd {
    BlockBackend *bb;
    uint64_t sectors;
};

/* One command in progress. */
typedef struct {
    ScsiCd *cd;
    const uint8_t *cdb;
    struct iovec *iov;
    int iovcnt;
    size_t in_len;
    ScsiResult *res;
    uint8_t reply[REPLY_MAX];
    size_t reply_len;       /* what the handler built */
    size_t alloc;           /* the CDB's allocation length */
} ScsiCmd;

typedef void (*ScsiHandler)(ScsiCmd *c);

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static void scsi_check(ScsiCmd *c, uint8_t key, uint16_t asc)
{
    ScsiResult *r = c->res;
    r->status = SCSI_STATUS_CHECK_CONDITION;
    memset(r->sense, 0, sizeof(r->sense));
    r->sense[0] = 0x70;                 /* current error, fixed format */
    r->sense[2] = key;
    r->sense[7] = SCSI_SENSE_FIXED_LEN - 8;
    r->sense[12] = (uint8_t)(asc >> 8);
    r->sense[13] = (uint8_t)asc;
    c->reply_len = 0;
}

static void scsi_invalid_field(ScsiCmd *c)
{
    scsi_check(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
}

/* A reply of @len bytes from c->reply, @alloc the CDB's limit. */
static void scsi_reply(ScsiCmd *c, size_t len, size_t alloc)
{
    c->reply_len = len;
    c->alloc = alloc;
}

/* ---- commands ------------------------------------------------------ */

static void cmd_good(ScsiCmd *c)
{
    (void)c;
}

static void cmd_write_protected(ScsiCmd *c)
{
    scsi_check(c, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
}

static void cmd_inquiry(ScsiCmd *c)
{
    const uint8_t *cdb = c->cdb;
    uint8_t *d = c->reply;
    size_t alloc = be16(cdb + 3);
    if (!(cdb[1] & 1)) {                /* standard data */
        if (cdb[2]) {
            scsi_invalid_field(c);
            return;
        }
        d[0] = 0x05;                    /* CD/DVD device */
        d[1] = 0x80;                    /* removable medium */
        d[2] = 0x05;                    /* SPC-3 */
        d[3] = 0x02;                    /* response data format 2 */
        d[4] = 36 - 5;
        memcpy(d + 8, "VESSEL  ", 8);
        memcpy(d + 16, "CD-ROM          ", 16);
        memcpy(d + 32, "1.0 ", 4);
        scsi_reply(c, 36, alloc);
        return;
    }
    d[0] = 0x05;
    d[1] = cdb[2];
    switch (cdb[2]) {
    case 0x00:                          /* supported pages */
        d[3] = 2;
        d[4] = 0x00;
        d[5] = 0x80;
        scsi_reply(c, 6, alloc);
        return;
    case 0x80: {                        /* unit serial number */
        size_t n = strnlen(c->cd->bb->serial, sizeof(c->cd->bb->serial));
        d[3] = (uint8_t)n;
        memcpy(d + 4, c->cd->bb->serial, n);
        scsi_reply(c, 4 + n, alloc);
        return;
    }
    default:
        scsi_invalid_field(c);
    }
}

static void cmd_request_sense(ScsiCmd *c)
{
    uint8_t *d = c->reply;
    d[0] = 0x70;
    d[2] = SENSE_NO_SENSE;
    d[7] = SCSI_SENSE_FIXED_LEN - 8;
    scsi_reply(c, SCSI_SENSE_FIXED_LEN, c->cdb[4]);
}

static void cmd_report_luns(ScsiCmd *c)
{
    size_t alloc = be32(c->cdb + 6);
    if (alloc < 16) {
        scsi_invalid_field(c);
        return;
    }
    put32(c->reply, 8);                 /* one LUN: 0, all zero */
    scsi_reply(c, 16, alloc);
}

static void cmd_read_capacity10(ScsiCmd *c)
{
    uint64_t last = c->cd->sectors - 1;
    put32(c->reply, last > 0xffffffffu ? 0xffffffffu : (uint32_t)last);
    put32(c->reply + 4, SCSI_CD_SECTOR);
    scsi_reply(c, 8, 8);
}

static void cmd_service_in16(ScsiCmd *c)
{
    if ((c->cdb[1] & 0x1f) != 0x10) {   /* only READ CAPACITY (16) */
        scsi_check(c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    put64(c->reply, c->cd->sectors - 1);
    put32(c->reply + 8, SCSI_CD_SECTOR);
    scsi_reply(c, 32, be32(c->cdb + 10));
}

/* Sectors [lba, lba + count) into the initiator's buffers. */
static void scsi_read(ScsiCmd *c, uint64_t lba, uint64_t count)
{
    ScsiCd *cd = c->cd;
    if (lba > cd->sectors || count > cd->sectors - lba) {
        scsi_check(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    uint64_t len = count * SCSI_CD_SECTOR;
    if (len > c->in_len) {
        c->res->overrun = true;
        return;
    }
    if (len == 0)
        return;
    /* cut the buffers to @len */
    int n = 0;
    for (uint64_t left = len; left; n++) {
        if (c->iov[n].iov_len > left)
            c->iov[n].iov_len = left;
        left -= c->iov[n].iov_len;
    }
    if (cd->bb->ops->preadv(cd->bb, c->iov, n, lba * SCSI_CD_SECTOR) < 0) {
        scsi_check(c, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ);
        return;
    }
    c->res->data_in = len;
}

static void cmd_read10(ScsiCmd *c)
{
    scsi_read(c, be32(c->cdb + 2), be16(c->cdb + 7));
}

static void cmd_read12(ScsiCmd *c)
{
    scsi_read(c, be32(c->cdb + 2), be32(c->cdb + 6));
}

static void cmd_read16(ScsiCmd *c)
{
    scsi_read(c, be64(c->cdb + 2), be32(c->cdb + 10));
}

static void cmd_verify10(ScsiCmd *c)
{
    uint64_t lba = be32(c->cdb + 2), count = be16(c->cdb + 7);
    if (lba > c->cd->sectors || count > c->cd->sectors - lba)
        scsi_check(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
}

/* Mode page 0x2a, CD/DVD capabilities: reads CD-ROM, can lock the
 * tray, tray loading mechanism, no eject, no writing; 8x speed. */
static size_t mode_page_caps(uint8_t *p)
{
    memset(p, 0, 22);
    p[0] = 0x2a;
    p[1] = 22 - 2;
    p[6] = 0x01 | 1 << 5;               /* lock, tray */
    put16(p + 8, 8 * 176);              /* maximum read speed, kB/s */
    put16(p + 10, 256);                 /* volume levels */
    put16(p + 12, 0);                   /* buffer size, KiB */
    put16(p + 14, 8 * 176);             /* current read speed */
    return 22;
}

static void mode_sense(ScsiCmd *c, bool ten)
{
    const uint8_t *cdb = c->cdb;
    unsigned page = cdb[2] & 0x3f, control = cdb[2] >> 6;
    if (control == 3) {
        scsi_check(c, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED);
        return;
    }
    if (page != 0x2a && page != 0x3f) {
        scsi_invalid_field(c);
        return;
    }
    size_t head = ten ? 8 : 4;          /* no block descriptors */
    size_t len = head + mode_page_caps(c->reply + head);
    if (control == 1)                   /* changeable values: none */
        memset(c->reply + head + 2, 0, len - head - 2);
    if (ten)
        put16(c->reply, (uint16_t)(len - 2));
    else
        c->reply[0] = (uint8_t)(len - 1);
    scsi_reply(c, len, ten ? be16(cdb + 7) : cdb[4]);
}

static void cmd_mode_sense6(ScsiCmd *c)
{
    mode_sense(c, false);
}

static void cmd_mode_sense10(ScsiCmd *c)
{
    mode_sense(c, true);
}

/* An address in a TOC: LBA, or MSF (2 seconds of lead-in, 75 frames a
 * second) when @msf. */
static void toc_addr(uint8_t *p, uint64_t lba, bool msf)
{
    if (!msf) {
        put32(p, (uint32_t)lba);
        return;
    }
    uint64_t f = lba + 150;
    p[0] = 0;
    p[1] = (uint8_t)MIN(f / 75 / 60, 255);
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

static void toc_track(uint8_t *p, uint8_t track, uint64_t lba, bool msf)
{
    p[0] = 0;
    p[1] = 0x14;                        /* ADR 1 (position), control 4 (data) */
    p[2] = track;
    p[3] = 0;
    toc_addr(p + 4, lba, msf);
}

static void cmd_read_toc(ScsiCmd *c)
{
    const uint8_t *cdb = c->cdb;
    bool msf = cdb[1] & 2;
    unsigned format = cdb[2] & 0x0f;
    if (format == 0)
        format = cdb[9] >> 6;           /* the older place (SFF-8020) */
    unsigned track = cdb[6];
    uint8_t *d = c->reply;
    size_t len = 4;
    switch (format) {
    case 0:                             /* TOC: track 1 and the lead-out */
        if (track > 1 && track != 0xaa) {
            scsi_invalid_field(c);
            return;
        }
        if (track <= 1) {
            toc_track(d + len, 1, 0, msf);
            len += 8;
        }
        toc_track(d + len, 0xaa, c->cd->sectors, msf);
        len += 8;
        break;
    case 1:                             /* session information */
        toc_track(d + len, 1, 0, msf);
        len += 8;
        break;
    default:
        scsi_invalid_field(c);
        return;
    }
    put16(d, (uint16_t)(len - 2));
    d[2] = 1;                           /* first track / session */
    d[3] = 1;                           /* last */
    scsi_reply(c, len, be16(cdb + 7));
}

/* GET CONFIGURATION: the features from the starting one (RT 0 all, 1
 * current ones (all are), 2 only that one). */
static void cmd_get_configuration(ScsiCmd *c)
{
    const uint8_t *cdb = c->cdb;
    unsigned rt = cdb[1] & 3, start = be16(cdb + 2);
    static const uint8_t features[][12] = {
        /* profile list: CD-ROM, current */
        { 0x00, 0x00, 0x03, 4, 0x00, 0x08, 0x01, 0 },
        /* core: SCSI physical interface, version 2 */
        { 0x00, 0x01, 0x0b, 8, 0, 0, 0, 1, 0x01, 0, 0, 0 },
        /* removable medium: tray, lock */
        { 0x00, 0x03, 0x03, 4, 0x21, 0, 0, 0 },
        /* random readable: 2048-byte blocks, blocking 1 */
        { 0x00, 0x10, 0x01, 8, 0, 0, 0x08, 0x00, 0, 1, 0, 0 },
        /* CD read */
        { 0x00, 0x1e, 0x09, 4, 0, 0, 0, 0 },
    };
    if (rt == 3) {
        scsi_invalid_field(c);
        return;
    }
    uint8_t *d = c->reply;
    size_t len = 8;
    for (size_t i = 0; i < G_N_ELEMENTS(features); i++) {
        unsigned code = be16(features[i]);
        if (code < start || (rt == 2 && code != start))
            continue;
        size_t n = 4u + features[i][3];
        memcpy(d + len, features[i], n);
        len += n;
    }
    put32(d, (uint32_t)(len - 4));
    put16(d + 6, 0x0008);               /* current profile: CD-ROM */
    scsi_reply(c, len, be16(cdb + 7));
}

/* GET EVENT STATUS NOTIFICATION, polled: the media class only, never an
 * event, media present. */
static void cmd_get_event_status(ScsiCmd *c)
{
    const uint8_t *cdb = c->cdb;
    if (!(cdb[1] & 1)) {                /* asynchronous: not supported */
        scsi_invalid_field(c);
        return;
    }
    uint8_t *d = c->reply;
    d[3] = 1 << 4;                      /* supported: media */
    size_t len = 4;
    if (cdb[4] & (1 << 4)) {
        d[2] = 4;                       /* media class */
        d[5] = 0x02;                    /* media present, tray closed */
        len = 8;
    } else {
        d[2] = 0x80;                    /* no event available */
    }
    put16(d, (uint16_t)(len - 2));
    scsi_reply(c, len, be16(cdb + 7));
}

static void cmd_read_disc_information(ScsiCmd *c)
{
    if (c->cdb[1] & 7) {
        scsi_invalid_field(c);
        return;
    }
    uint8_t *d = c->reply;
    put16(d, 34 - 2);
    d[2] = 0x0e;                        /* last session complete, disc complete */
    d[3] = 1;                           /* first track */
    d[4] = 1;                           /* sessions */
    d[5] = 1;                           /* first track of the last session */
    d[6] = 1;                           /* last track of the last session */
    d[7] = 0x20;                        /* unrestricted use */
    put32(d + 16, 0xffffffffu);         /* no next session */
    put32(d + 20, 0xffffffffu);
    scsi_reply(c, 34, be16(c->cdb + 7));
}

static const struct {
    uint8_t opcode;
    ScsiHandler run;
} scsi_cd_commands[] = {
    { 0x00, cmd_good },                 /* TEST UNIT READY */
    { 0x03, cmd_request_sense },
    { 0x04, cmd_write_protected },      /* FORMAT UNIT */
    { 0x0a, cmd_write_protected },      /* WRITE (6) */
    { 0x12, cmd_inquiry },
    { 0x1a, cmd_mode_sense6 },
    { 0x1b, cmd_good },                 /* START STOP UNIT: the tray stays */
    { 0x1e, cmd_good },                 /* PREVENT ALLOW MEDIUM REMOVAL */
    { 0x25, cmd_read_capacity10 },
    { 0x28, cmd_read10 },
    { 0x2a, cmd_write_protected },      /* WRITE (10) */
    { 0x2e, cmd_write_protected },      /* WRITE AND VERIFY (10) */
    { 0x2f, cmd_verify10 },
    { 0x35, cmd_good },                 /* SYNCHRONIZE CACHE (10): nothing to flush */
    { 0x41, cmd_write_protected },      /* WRITE SAME (10) */
    { 0x43, cmd_read_toc },
    { 0x46, cmd_get_configuration },
    { 0x4a, cmd_get_event_status },
    { 0x51, cmd_read_disc_information },
    { 0x5a, cmd_mode_sense10 },
    { 0x88, cmd_read16 },
    { 0x8a, cmd_write_protected },      /* WRITE (16) */
    { 0x8e, cmd_write_protected },      /* WRITE AND VERIFY (16) */
    { 0x93, cmd_write_protected },      /* WRITE SAME (16) */
    { 0x9e, cmd_service_in16 },
    { 0xa0, cmd_report_luns },
    { 0xa8, cmd_read12 },
    { 0xaa, cmd_write_protected },      /* WRITE (12) */
    { 0xae, cmd_write_protected },      /* WRITE AND VERIFY (12) */
    { 0xbb, cmd_good },                 /* SET CD SPEED */
};

static ScsiHandler scsi_cd_lookup(uint8_t opcode)
{
    for (size_t i = 0; i < G_N_ELEMENTS(scsi_cd_commands); i++)
        if (scsi_cd_commands[i].opcode == opcode)
            return scsi_cd_commands[i].run;
    return NULL;
}

/* Copy the reply into the buffers: at most the allocation length and
 * what they hold. */
static size_t scsi_copy_reply(ScsiCmd *c)
{
    size_t len = MIN(MIN(c->reply_len, c->alloc), c->in_len), done = 0;
    for (int i = 0; i < c->iovcnt && done < len; i++) {
        size_t n = MIN(c->iov[i].iov_len, len - done);
        memcpy(c->iov[i].iov_base, c->reply + done, n);
        done += n;
    }
    return done;
}

void scsi_cd_command(ScsiCd *cd, unsigned lun, const uint8_t *cdb, size_t cdb_len,
                     struct iovec *iov, int iovcnt, size_t in_len, ScsiResult *res)
{
    ScsiCmd c = { .cd = cd, .cdb = cdb, .iov = iov, .iovcnt = iovcnt, .in_len = in_len,
                  .res = res };
    memset(res, 0, sizeof(*res));
    (void)cdb_len;
    if (lun != 0) {
        /* INQUIRY answers "no unit here" (qualifier 3, type 0x1f);
         * REPORT LUNS lists LUN 0; the rest is refused */
        if (cdb[0] == 0x12 && !(cdb[1] & 1)) {
            c.reply[0] = 0x7f;
            scsi_reply(&c, 36, be16(cdb + 3));
        } else if (cdb[0] == 0xa0) {
            cmd_report_luns(&c);
        } else {
            scsi_check(&c, SENSE_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
        }
    } else {
        ScsiHandler run = scsi_cd_lookup(cdb[0]);
        if (run)
            run(&c);
        else
            scsi_check(&c, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
    }
    if (res->status == SCSI_STATUS_GOOD && c.reply_len)
        res->data_in = scsi_copy_reply(&c);
}

/* ISO 9660: the primary volume descriptor is sector 16, type 1,
 * "CD001"; the volume space size is a both-endian u32 at byte 80. */
static gboolean scsi_cd_check_iso(ScsiCd *cd, const char *name, GError **error)
{
    uint8_t pvd[SCSI_CD_SECTOR];
    if (cd->sectors <= 16)
        return TRUE;
    struct iovec iov = { pvd, sizeof(pvd) };
    int r = cd->bb->ops->preadv(cd->bb, &iov, 1, 16ull * SCSI_CD_SECTOR);
    if (r < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r),
                    _("CD-ROM %s: cannot read the image: %s"), name, g_strerror(-r));
        return FALSE;
    }
    if (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0)
        return TRUE;                    /* not ISO 9660 (UDF, raw data): fine */
    uint32_t volume = (uint32_t)pvd[80] | (uint32_t)pvd[81] << 8 | (uint32_t)pvd[82] << 16 |
                      (uint32_t)pvd[83] << 24;
    if (volume > cd->sectors) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("CD-ROM %s is truncated: its ISO 9660 volume has %u sectors of 2048 "
                      "bytes, the image only %" PRIu64),
                    name, volume, cd->sectors);
        return FALSE;
    }
    return TRUE;
}

ScsiCd *scsi_cd_new(BlockBackend *bb, const char *name, GError **error)
{
    if (bb->size == 0 || bb->size % SCSI_CD_SECTOR) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("CD-ROM %s is not a CD image: %" PRIu64
                      " bytes is not a whole number of 2048-byte sectors (truncated?)"),
                    name, bb->size);
        block_backend_close(bb);
        return NULL;
    }
    ScsiCd *cd = g_new0(ScsiCd, 1);
    cd->bb = bb;
    cd->sectors = bb->size / SCSI_CD_SECTOR;
    if (!scsi_cd_check_iso(cd, name, error)) {
        scsi_cd_free(cd);
        return NULL;
    }
    return cd;
}

void scsi_cd_free(ScsiCd *cd)
{
    if (!cd)
        return;
    block_backend_close(cd->bb);
    g_free(cd);
}

uint64_t scsi_cd_sectors(const ScsiCd *cd)
{
    return cd->sectors;
}
