/* scsi_cd.h - a read-only CD-ROM logical unit: the SCSI (SPC, MMC)
 * commands SeaBIOS's CD boot and Linux's sr driver and udev's cdrom_id
 * send, answered from a BlockBackend of 2048-byte sectors.  The
 * transport (scsi.c, virtio-scsi) hands over a CDB and the initiator's
 * data-in buffers; the answer is a SCSI status, fixed-format sense data
 * for a CHECK CONDITION, and how many bytes went in.  Writes of every
 * kind get DATA PROTECT / WRITE PROTECTED; commands it does not know
 * get ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE. */
#ifndef VESSEL_VIRTIO_SCSI_CD_H
#define VESSEL_VIRTIO_SCSI_CD_H

#include "vmm/virtio/block_backend.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SCSI_CD_SECTOR 2048u
#define SCSI_STATUS_GOOD 0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02
#define SCSI_SENSE_FIXED_LEN 18

typedef struct ScsiCd ScsiCd;

typedef struct {
    uint8_t status;                     /* SCSI_STATUS_* */
    uint8_t sense[SCSI_SENSE_FIXED_LEN]; /* with CHECK CONDITION */
    size_t data_in;                     /* bytes put into the buffers */
    bool overrun;                       /* the buffers are too small */
} ScsiResult;

/* Takes @bb (closed by scsi_cd_free, or here on failure).  Refuses an
 * image that cannot be a CD: a size that is not a whole number of
 * 2048-byte sectors, or an ISO 9660 volume (primary volume descriptor
 * at sector 16) larger than the image, i.e. a truncated download.
 * @name is for those messages. */
ScsiCd *scsi_cd_new(BlockBackend *bb, const char *name, GError **error);
void scsi_cd_free(ScsiCd *cd);
uint64_t scsi_cd_sectors(const ScsiCd *cd);

/* Run one command: @cdb (@cdb_len bytes, at least 16, zero padded) for
 * LUN @lun of this target (only LUN 0 exists); data-in goes to @iov
 * (@iovcnt segments, @in_len bytes in all, at most BLOCK_IOV_MAX; the
 * array may be modified).  Host I/O errors become MEDIUM ERROR. */
void scsi_cd_command(ScsiCd *cd, unsigned lun, const uint8_t *cdb, size_t cdb_len,
                     struct iovec *iov, int iovcnt, size_t in_len, ScsiResult *res);

#endif
