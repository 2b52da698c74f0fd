/* test-devices.c - legacy devices driven through their registers on the
 * I/O bus, with interrupt lines recorded: io_bus size rules, 16550A,
 * i8259 pair, i8254 (+ port 0x61), CMOS RTC, i8042, ACPI PM, PCI host. */
#include "config.h"

#include "vtest.h"
#include "vmm/cpu_backend.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/hw/debug_exit.h"
#include "vmm/hw/fw_cfg.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/key_chords.h"
#include "vmm/hw/i8254.h"
#include "vmm/hw/i8259.h"
#include "vmm/hw/pc_testdev.h"
#include "vmm/hw/pci.h"
#include "vmm/hw/rtc.h"
#include "vmm/hw/uart16550.h"
#include "vmm/io_bus.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <time.h>

/* ---- fixtures ------------------------------------------------------ */

typedef struct {
    int level[32];
    int rises[32];
} IrqLog;

static void irq_log_set(void *opaque, int line, int level)
{
    IrqLog *log = opaque;
    if (level && !log->level[line])
        log->rises[line]++;
    log->level[line] = level;
}

static IrqLine irq_log_line(IrqLog *log, int line)
{
    return (IrqLine){ irq_log_set, log, line };
}

static uint8_t inb(IoBus *bus, uint16_t port)
{
    uint64_t v;
    io_bus_read(bus, IO_SPACE_PIO, port, 1, &v);
    return v;
}

static int outb(IoBus *bus, uint16_t port, uint8_t v)
{
    return io_bus_write(bus, IO_SPACE_PIO, port, 1, v);
}

static uint32_t inl(IoBus *bus, uint16_t port)
{
    uint64_t v;
    io_bus_read(bus, IO_SPACE_PIO, port, 4, &v);
    return v;
}

static void outl(IoBus *bus, uint16_t port, uint32_t v)
{
    io_bus_write(bus, IO_SPACE_PIO, port, 4, v);
}

/* ---- fw_cfg ---------------------------------------------------------- */

/* 64 KiB of "guest RAM" at 0x10000 for DMA */
typedef struct {
    uint8_t ram[0x10000];
    uint64_t written_gpa, written_len;
    int writes;
} FakeRam;

static void *fake_ram_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    FakeRam *r = opaque;
    if (gpa < 0x10000 || gpa - 0x10000 > sizeof(r->ram) || len > sizeof(r->ram) - (gpa - 0x10000))
        return NULL;
    return r->ram + (gpa - 0x10000);
}

static void fake_ram_written(void *opaque, uint64_t gpa, uint64_t len)
{
    FakeRam *r = opaque;
    r->written_gpa = gpa;
    r->written_len = len;
    r->writes++;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* One DMA transfer described at 0x10000 (guest address), buffer @buf. */
static uint32_t fw_dma(IoBus *bus, FakeRam *r, uint32_t control, uint32_t len, uint64_t buf)
{
    put_be32(r->ram, control);
    put_be32(r->ram + 4, len);
    put_be32(r->ram + 8, buf >> 32);
    put_be32(r->ram + 12, (uint32_t)buf);
    outl(bus, 0x514, 0);
    outl(bus, 0x518, __builtin_bswap32(0x10000));
    return get_be32(r->ram);
}

static void test_fw_cfg(void)
{
    IoBus *bus = io_bus_new();
    FakeRam *r = g_new0(FakeRam, 1);
    FwCfgRam fr = { fake_ram_ptr, fake_ram_written, r };
    FwCfg *fw = fw_cfg_create(&fr);
    g_assert_cmpint(fw_cfg_attach(fw, bus), ==, 0);
    /* signature and features through the data port */
    io_bus_write(bus, IO_SPACE_PIO, 0x510, 2, FW_CFG_SIGNATURE);
    char sig[5] = { 0 };
    for (int i = 0; i < 4; i++)
        sig[i] = (char)inb(bus, 0x511);
    g_assert_cmpstr(sig, ==, "QEMU");
    g_assert_cmpuint(inb(bus, 0x511), ==, 0);              /* past the end */
    io_bus_write(bus, IO_SPACE_PIO, 0x510, 2, FW_CFG_ID | FW_CFG_WRITE_CHANNEL);
    g_assert_cmpuint(inb(bus, 0x511), ==, 3);              /* traditional | DMA */
    /* "QEMU CFG" at the DMA register */
    char dsig[9] = { 0 };
    for (int i = 0; i < 8; i++)
        dsig[i] = (char)inb(bus, 0x514 + i);
    g_assert_cmpstr(dsig, ==, "QEMU CFG");
    /* items: replaced, not duplicated; an unknown key reads zeros */
    g_assert_cmpint(fw_cfg_add_u16(fw, FW_CFG_NB_CPUS, 3), ==, 0);
    g_assert_cmpint(fw_cfg_add_u16(fw, FW_CFG_NB_CPUS, 4), ==, 0);
    io_bus_write(bus, IO_SPACE_PIO, 0x510, 2, FW_CFG_NB_CPUS);
    g_assert_cmpuint(inb(bus, 0x511), ==, 4);
    io_bus_write(bus, IO_SPACE_PIO, 0x510, 2, 0x1234);
    g_assert_cmpuint(inb(bus, 0x511), ==, 0);
    g_assert_cmpint(fw_cfg_add_bytes(fw, FW_CFG_FILE_DIR, "x", 1), ==, -EINVAL);
    /* files: keys from 0x20, a directory sorted by name, replaced in place */
    int kb = fw_cfg_add_file(fw, "etc/b", "bbbb", 4);
    int ka = fw_cfg_add_file(fw, "etc/a", "a", 1);
    g_assert_cmpint(kb, ==, FW_CFG_FILE_FIRST);
    g_assert_cmpint(ka, ==, FW_CFG_FILE_FIRST + 1);
    g_assert_cmpint(fw_cfg_add_file(fw, "etc/b", "BB", 2), ==, kb);
    char longname[80];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[79] = 0;
    g_assert_cmpint(fw_cfg_add_file(fw, longname, "x", 1), ==, -EINVAL);
    io_bus_write(bus, IO_SPACE_PIO, 0x510, 2, FW_CFG_FILE_DIR);
    uint8_t dir[4 + 2 * 64];
    for (size_t i = 0; i < sizeof(dir); i++)
        dir[i] = inb(bus, 0x511);
    g_assert_cmpuint(get_be32(dir), ==, 2);
    g_assert_cmpstr((char *)dir + 4 + 8, ==, "etc/a");
    g_assert_cmpuint(get_be32(dir + 4), ==, 1);
    g_assert_cmpuint(dir[4 + 4] << 8 | dir[4 + 5], ==, (unsigned)ka);
    g_assert_cmpstr((char *)dir + 68 + 8, ==, "etc/b");
    g_assert_cmpuint(get_be32(dir + 68), ==, 2);

    /* DMA: select + read (past the end: zeros), then skip and read */
    memset(r->ram + 0x100, 0xee, 8);
    g_assert_cmphex(fw_dma(bus, r, (uint32_t)kb << 16 | FW_CFG_DMA_CTL_SELECT |
                           FW_CFG_DMA_CTL_READ, 4, 0x10100), ==, 0);
    g_assert_cmpmem(r->ram + 0x100, 4, "BB\0\0", 4);
    g_assert_cmpuint(r->ram[0x104], ==, 0xee);
    g_assert_cmpuint(r->written_gpa, ==, 0x10000);     /* the control word, last */
    g_assert_cmphex(fw_dma(bus, r, (uint32_t)kb << 16 | FW_CFG_DMA_CTL_SELECT |
                           FW_CFG_DMA_CTL_SKIP, 1, 0), ==, 0);
    g_assert_cmphex(fw_dma(bus, r, FW_CFG_DMA_CTL_READ, 1, 0x10200), ==, 0);
    g_assert_cmpuint(r->ram[0x200], ==, 'B');
    /* writes are refused; a buffer outside RAM is an error */
    g_assert_cmphex(fw_dma(bus, r, FW_CFG_DMA_CTL_WRITE, 1, 0x10200), ==, FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(fw_dma(bus, r, (uint32_t)kb << 16 | FW_CFG_DMA_CTL_SELECT |
                           FW_CFG_DMA_CTL_READ, 16, 0xfffffff0ull), ==, FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(fw_dma(bus, r, FW_CFG_DMA_CTL_READ, 0x20000, 0x10000), ==,
                    FW_CFG_DMA_CTL_ERROR);
    /* a structure outside RAM: nothing happens */
    int writes = r->writes;
    outl(bus, 0x514, 0);
    outl(bus, 0x518, __builtin_bswap32(0x80000000u));
    g_assert_cmpint(r->writes, ==, writes);
    fw_cfg_destroy(fw);
    g_free(r);
    io_bus_free(bus);
}

static void test_debug_exit(void)
{
    IoBus *bus = io_bus_new();
    DebugExit *d = debug_exit_create(VCPU_EXIT_DEBUG_EXIT);
    g_assert_cmpint(debug_exit_attach(d, bus), ==, 0);
    g_assert_cmpint(debug_exit_status(d), ==, -1);
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, 0xf4, 4, 0), ==, VCPU_EXIT_DEBUG_EXIT);
    g_assert_cmpint(debug_exit_status(d), ==, 1);
    io_bus_write(bus, IO_SPACE_PIO, 0xf4, 1, 5);          /* the first write decides */
    g_assert_cmpint(debug_exit_status(d), ==, 1);
    debug_exit_reset(d);
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, 0xf6, 2, 0x85), ==, VCPU_EXIT_DEBUG_EXIT);
    g_assert_cmpint(debug_exit_status(d), ==, 0x0b);      /* (0x85 << 1 | 1) & 0xff */
    debug_exit_destroy(d);
    io_bus_free(bus);
}

typedef struct {
    IrqLog log;
    uint64_t flushed;
} TestdevHost;

static void testdev_irq(void *opaque, int line, int level)
{
    irq_log_set(&((TestdevHost *)opaque)->log, line, level);
}

static void testdev_flush(void *opaque, uint64_t gpa)
{
    ((TestdevHost *)opaque)->flushed = gpa;
}

static void test_pc_testdev(void)
{
    IoBus *bus = io_bus_new();
    TestdevHost h = { 0 };
    PcTestdevHost th = { testdev_irq, testdev_flush, &h };
    PcTestdev *t = pc_testdev_create(&th);
    g_assert_cmpint(pc_testdev_attach(t, bus), ==, 0);
    outl(bus, 0xe0, 0x12345678);
    g_assert_cmphex(inb(bus, 0xe1), ==, 0x56);
    g_assert_cmphex(inl(bus, 0xe8), ==, 0x12345678);
    outb(bus, 0xeb, 0xab);
    g_assert_cmphex(inl(bus, 0xe0), ==, 0xab345678);
    uint64_t v;
    io_bus_write(bus, IO_SPACE_PIO, 0xe2, 2, 0xcdef);
    io_bus_read(bus, IO_SPACE_PIO, 0xe2, 2, &v);
    g_assert_cmphex(v, ==, 0xcdef);
    outl(bus, 0xe4, 0x123456);
    g_assert_cmphex(h.flushed, ==, 0x123000);
    outb(bus, 0x2000 + 11, 1);
    g_assert_cmpint(h.log.level[11], ==, 1);
    outb(bus, 0x2000 + 11, 0);
    g_assert_cmpint(h.log.level[11], ==, 0);
    outb(bus, 0x2000 + 23, 7);
    g_assert_cmpint(h.log.level[23], ==, 1);
    io_bus_write(bus, IO_SPACE_MMIO, PC_TESTDEV_IOMEM + 0xfff8, 8, 0x1122334455667788ull);
    io_bus_read(bus, IO_SPACE_MMIO, PC_TESTDEV_IOMEM + 0xfffc, 4, &v);
    g_assert_cmphex(v, ==, 0x11223344);
    /* an access across the end is done byte by byte: no overflow */
    io_bus_write(bus, IO_SPACE_MMIO, PC_TESTDEV_IOMEM + 0xfffe, 8, ~0ull);
    io_bus_read(bus, IO_SPACE_MMIO, PC_TESTDEV_IOMEM + 0xfffc, 4, &v);
    g_assert_cmphex(v, ==, 0xffff3344);
    /* reset: lines low, scratch cleared */
    pc_testdev_reset(t);
    g_assert_cmpint(h.log.level[23], ==, 0);
    g_assert_cmphex(inl(bus, 0xe0), ==, 0);
    pc_testdev_destroy(t);
    io_bus_free(bus);
}

/* ---- io_bus -------------------------------------------------------- */

typedef struct {
    uint8_t mem[16];
    int reads, writes;
    unsigned last_size;
} FakeDev;

static uint64_t fake_read(void *opaque, uint64_t off, unsigned size)
{
    FakeDev *d = opaque;
    uint64_t v = 0;
    d->reads++;
    d->last_size = size;
    memcpy(&v, d->mem + off, size);
    return v;
}

static int fake_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    FakeDev *d = opaque;
    d->writes++;
    d->last_size = size;
    memcpy(d->mem + off, &val, size);
    return off == 15 ? 7 : 0;
}

static void test_io_bus(void)
{
    IoBus *bus = io_bus_new();
    FakeDev bytes = { 0 }, words = { 0 };
    IoOps byte_ops = { fake_read, fake_write, IO_SIZES_8BIT };
    IoOps dword_ops = { fake_read, fake_write, 4 };
    g_assert_cmpint(io_bus_register(bus, IO_SPACE_PIO, 0x100, 16, &byte_ops, &bytes), ==, 0);
    g_assert_cmpint(io_bus_register(bus, IO_SPACE_PIO, 0x108, 4, &byte_ops, &bytes), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(bus, IO_SPACE_PIO, 0xf8, 9, &byte_ops, &bytes), ==, -EEXIST);
    g_assert_cmpint(io_bus_register(bus, IO_SPACE_MMIO, 0x1000, 16, &dword_ops, &words), ==, 0);
    g_assert_cmpint(io_bus_register(bus, IO_SPACE_PIO, 0x200, 0, &byte_ops, &bytes), ==, -EINVAL);

    /* a 32-bit access to a byte device is split into 4 byte accesses */
    outl(bus, 0x100, 0x44332211);
    g_assert_cmpint(bytes.writes, ==, 4);
    g_assert_cmpint(bytes.last_size, ==, 1);
    g_assert_cmphex(bytes.mem[0], ==, 0x11);
    g_assert_cmphex(bytes.mem[3], ==, 0x44);
    g_assert_cmphex(inl(bus, 0x100), ==, 0x44332211);
    /* unclaimed: all ones, writes dropped */
    g_assert_cmphex(inb(bus, 0x300), ==, 0xff);
    g_assert_cmphex(inl(bus, 0x300), ==, 0xffffffff);
    /* a write can ask to stop the guest */
    g_assert_cmpint(outb(bus, 0x10f, 1), ==, 7);
    /* narrower than the device takes: reads extract, writes are dropped */
    io_bus_write(bus, IO_SPACE_MMIO, 0x1000, 4, 0xaabbccdd);
    uint64_t v;
    io_bus_read(bus, IO_SPACE_MMIO, 0x1001, 1, &v);
    g_assert_cmphex(v, ==, 0xcc);
    int w = words.writes;
    io_bus_write(bus, IO_SPACE_MMIO, 0x1001, 1, 0);
    g_assert_cmpint(words.writes, ==, w);
    /* 8-byte access to a 4-byte device: two 4-byte accesses */
    io_bus_write(bus, IO_SPACE_MMIO, 0x1000, 8, 0x1122334455667788ull);
    g_assert_cmpint(words.last_size, ==, 4);
    io_bus_read(bus, IO_SPACE_MMIO, 0x1000, 8, &v);
    g_assert_cmphex(v, ==, 0x1122334455667788ull);
    /* crossing the end of a range: per byte, the outside part unclaimed */
    io_bus_read(bus, IO_SPACE_PIO, 0x10e, 4, &v);
    g_assert_cmphex(v >> 16, ==, 0xffff);
    g_assert_cmpint(io_bus_unregister(bus, IO_SPACE_PIO, 0x100), ==, 0);
    g_assert_cmphex(inb(bus, 0x100), ==, 0xff);
    g_assert_cmpint(io_bus_unregister(bus, IO_SPACE_PIO, 0x100), ==, -ENOENT);
    io_bus_free(bus);
}

/* ---- 16550A -------------------------------------------------------- */

typedef struct {
    CharBackend be;
    GString *out;
    int accepts;
} TestSink;

static void sink_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    TestSink *s = (TestSink *)be;
    g_string_append_len(s->out, (const char *)buf, len);
}

static void sink_accept(CharBackend *be)
{
    ((TestSink *)be)->accepts++;
}

#define COM 0x3f8

static void test_uart(void)
{
    TimerList *tl = timer_list_new(NULL, NULL);
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine irq = irq_log_line(&log, 4);
    TestSink sink = { { sink_write, sink_accept }, g_string_new(NULL), 0 };
    Uart16550 *u = uart16550_create(tl, &irq, &sink.be);
    g_assert_cmpint(uart16550_attach(u, bus, IO_SPACE_PIO, COM), ==, 0);

    /* reset state */
    g_assert_cmphex(inb(bus, COM + 5), ==, 0x60);      /* THRE | TEMT */
    g_assert_cmphex(inb(bus, COM + 2) & 0x0f, ==, 0x01); /* no interrupt */
    /* scratch and divisor latch */
    outb(bus, COM + 7, 0x5a);
    g_assert_cmphex(inb(bus, COM + 7), ==, 0x5a);
    outb(bus, COM + 3, 0x80);
    outb(bus, COM + 0, 0x01);
    outb(bus, COM + 1, 0x00);
    g_assert_cmphex(inb(bus, COM + 0), ==, 0x01);
    outb(bus, COM + 3, 0x03);                           /* 8N1 */
    /* transmit goes to the back-end */
    outb(bus, COM, 'h');
    outb(bus, COM, 'i');
    g_assert_cmpstr(sink.out->str, ==, "hi");

    /* THRE interrupt: enabling it while THR is empty raises it; the line
     * reaches the PIC only with OUT2 */
    outb(bus, COM + 4, 0x08);                           /* OUT2 */
    outb(bus, COM + 1, 0x02);                           /* ETBEI */
    g_assert_cmpint(log.level[4], ==, 1);
    g_assert_cmphex(inb(bus, COM + 2) & 0x0f, ==, 0x02); /* THRE, cleared by the read */
    g_assert_cmpint(log.level[4], ==, 0);
    g_assert_cmphex(inb(bus, COM + 2) & 0x0f, ==, 0x01);
    outb(bus, COM, 'x');                                /* sent: THR empty again */
    g_assert_cmpint(log.level[4], ==, 1);
    outb(bus, COM + 1, 0x00);
    g_assert_cmpint(log.level[4], ==, 0);

    /* loopback with FIFO: bytes come back, data interrupt at trigger 4 */
    outb(bus, COM + 2, 0x47);                           /* FIFO on, clear, trigger 4 */
    outb(bus, COM + 4, 0x18);                           /* LOOP | OUT2 */
    g_assert_cmphex(inb(bus, COM + 6) & 0xf0, ==, 0x80); /* OUT2 -> DCD */
    outb(bus, COM + 1, 0x01);                           /* ERBFI */
    g_string_truncate(sink.out, 0);
    for (int i = 0; i < 3; i++)
        outb(bus, COM, 'a' + i);
    g_assert_cmpstr(sink.out->str, ==, "");             /* nothing left the chip */
    g_assert_cmphex(inb(bus, COM + 5) & 0x01, ==, 0x01);
    g_assert_cmpint(log.level[4], ==, 0);               /* below the trigger level */
    outb(bus, COM, 'd');
    g_assert_cmpint(log.level[4], ==, 1);
    g_assert_cmphex(inb(bus, COM + 2), ==, 0xc4);       /* FIFO enabled, RDI */
    char got[5] = { 0 };
    for (int i = 0; i < 4; i++)
        got[i] = inb(bus, COM);
    g_assert_cmpstr(got, ==, "abcd");
    g_assert_cmphex(inb(bus, COM + 5) & 0x01, ==, 0);
    g_assert_cmpint(log.level[4], ==, 0);
    /* overrun: 17 bytes into a 16-byte FIFO sets OE, reading LSR clears it */
    for (int i = 0; i < 17; i++)
        outb(bus, COM, 'A' + i);
    g_assert_cmphex(inb(bus, COM + 5) & 0x02, ==, 0x02);
    g_assert_cmphex(inb(bus, COM + 5) & 0x02, ==, 0);
    outb(bus, COM + 2, 0x07);                           /* clear */
    g_assert_cmphex(inb(bus, COM + 5) & 0x01, ==, 0);
    /* character timeout: one byte below the trigger level times out */
    outb(bus, COM + 2, 0xc1);                           /* trigger 14 */
    outb(bus, COM, 'z');
    g_assert_cmpint(log.level[4], ==, 0);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!log.level[4] && g_get_monotonic_time() < deadline) {
        timer_list_run(tl, vclock_ns());
        g_usleep(200);
    }
    g_assert_cmpint(log.level[4], ==, 1);
    g_assert_cmphex(inb(bus, COM + 2) & 0x0f, ==, 0x0c);
    g_assert_cmpint(inb(bus, COM), ==, 'z');
    g_assert_cmpint(log.level[4], ==, 0);

    /* host input with flow control */
    outb(bus, COM + 4, 0x08);                           /* leave loopback */
    g_assert_cmpuint(uart16550_can_receive(u), ==, 16);
    uint8_t in[20];
    memset(in, 'q', sizeof(in));
    g_assert_cmpuint(uart16550_receive(u, in, sizeof(in)), ==, 16);
    g_assert_cmpuint(uart16550_can_receive(u), ==, 0);
    g_assert_cmpint(sink.accepts, ==, 0);
    g_assert_cmpint(inb(bus, COM), ==, 'q');            /* room again: back-end told */
    g_assert_cmpint(sink.accepts, ==, 1);

    /* Room that comes from elsewhere than an RBR read is offered too: input
     * refused before the guest set up its UART (FIFO off: room for one
     * byte) comes once the FIFO is enabled, which clears it; input refused
     * in loopback comes once loopback ends. */
    outb(bus, COM + 2, 0x00);                           /* FIFO off */
    g_assert_cmpuint(uart16550_receive(u, in, 2), ==, 1);
    g_assert_cmpint(sink.accepts, ==, 1);
    outb(bus, COM + 2, 0x01);                           /* FIFO on: cleared */
    g_assert_cmpint(sink.accepts, ==, 2);
    g_assert_cmpuint(uart16550_can_receive(u), ==, 16);
    outb(bus, COM + 4, 0x18);                           /* loopback */
    g_assert_cmpuint(uart16550_can_receive(u), ==, 0);
    outb(bus, COM + 7, 0x00);                           /* any other write: still refused */
    g_assert_cmpint(sink.accepts, ==, 2);
    outb(bus, COM + 4, 0x08);                           /* loopback ends */
    g_assert_cmpint(sink.accepts, ==, 3);
    outb(bus, COM + 7, 0x00);                           /* told once */
    g_assert_cmpint(sink.accepts, ==, 3);

    uart16550_destroy(u);
    io_bus_free(bus);
    timer_list_free(tl);
    g_string_free(sink.out, TRUE);
}

/* ---- i8259 --------------------------------------------------------- */

static void pic_init(IoBus *bus)
{
    outb(bus, 0x20, 0x11);
    outb(bus, 0x21, 0x20);   /* master base 0x20 */
    outb(bus, 0x21, 0x04);
    outb(bus, 0x21, 0x01);
    outb(bus, 0xa0, 0x11);
    outb(bus, 0xa1, 0x28);   /* slave base 0x28 */
    outb(bus, 0xa1, 0x02);
    outb(bus, 0xa1, 0x01);
    outb(bus, 0x21, 0x00);
    outb(bus, 0xa1, 0x00);
}

static void test_pic(void)
{
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine intr = irq_log_line(&log, 0);
    I8259 *pic = i8259_create(&intr);
    g_assert_cmpint(i8259_attach(pic, bus), ==, 0);
    pic_init(bus);
    g_assert_false(i8259_output(pic));

    /* mask register round trip */
    outb(bus, 0x21, 0xfb);
    g_assert_cmphex(inb(bus, 0x21), ==, 0xfb);
    i8259_set_irq(pic, 1, 1);                /* masked: nothing */
    g_assert_false(i8259_output(pic));
    outb(bus, 0x21, 0x00);
    g_assert_true(i8259_output(pic));        /* edge latched in IRR */
    g_assert_cmpint(log.level[0], ==, 1);
    g_assert_cmpint(i8259_pending_vector(pic), ==, 0x21);
    i8259_set_irq(pic, 0, 1);                /* higher priority arrives */
    g_assert_cmpint(i8259_ack(pic), ==, 0x20);
    outb(bus, 0x20, 0x0b);                   /* read ISR */
    g_assert_cmphex(inb(bus, 0x20), ==, 0x01);
    /* IRQ1 waits: IRQ0 in service has priority */
    g_assert_cmpint(i8259_pending_vector(pic), ==, -1);
    outb(bus, 0x20, 0x20);                   /* non-specific EOI */
    g_assert_cmpint(i8259_ack(pic), ==, 0x21);
    outb(bus, 0x20, 0x61);                   /* specific EOI for IRQ1 */
    g_assert_cmphex(inb(bus, 0x20), ==, 0x00);
    /* an edge input needs a new rising edge */
    g_assert_false(i8259_output(pic));
    i8259_set_irq(pic, 0, 0);
    i8259_set_irq(pic, 1, 0);

    /* slave IRQ 12 through the cascade */
    i8259_set_irq(pic, 12, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x2c);
    outb(bus, 0xa0, 0x20);
    outb(bus, 0x20, 0x20);
    i8259_set_irq(pic, 12, 0);

    /* ELCR: level-triggered IRQ 9 stays pending while asserted */
    outb(bus, 0x4d1, 0x02);
    g_assert_cmphex(inb(bus, 0x4d1), ==, 0x02);
    outb(bus, 0x4d0, 0xff);
    g_assert_cmphex(inb(bus, 0x4d0), ==, 0xf8); /* IRQ 0-2 cannot be level */
    outb(bus, 0x4d0, 0x00);
    i8259_set_irq(pic, 9, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x29);
    outb(bus, 0xa0, 0x20);
    outb(bus, 0x20, 0x20);
    g_assert_true(i8259_output(pic));        /* still asserted */
    i8259_set_irq(pic, 9, 0);
    g_assert_false(i8259_output(pic));

    /* spurious: request gone before INTA -> IRQ 7 */
    g_assert_cmpint(i8259_ack(pic), ==, 0x27);
    /* poll mode */
    i8259_set_irq(pic, 3, 1);
    outb(bus, 0x20, 0x0c);
    g_assert_cmphex(inb(bus, 0x20), ==, 0x83);
    i8259_destroy(pic);
    io_bus_free(bus);
}

/* ---- i8254 --------------------------------------------------------- */

/* LSB then MSB, in that order (two statements: operand order is not). */
static unsigned pit_read16(IoBus *bus)
{
    unsigned lo = inb(bus, 0x42);
    unsigned hi = inb(bus, 0x42);
    return lo | hi << 8;
}

static gboolean pit_out2_high(gpointer data)
{
    return (inb(data, 0x61) & 0x20) != 0;
}

static void test_pit(void)
{
    TimerList *tl = timer_list_new(NULL, NULL);
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine irq0 = irq_log_line(&log, 0);
    I8254 *pit = i8254_create(tl, &irq0);
    g_assert_cmpint(i8254_attach(pit, bus), ==, 0);

    /* channel 2, mode 0, as Linux's PIT calibration does: gate high,
     * speaker off, count down, OUT2 rises at terminal count */
    outb(bus, 0x61, (inb(bus, 0x61) & ~0x02) | 0x01);
    outb(bus, 0x43, 0xb0);
    outb(bus, 0x42, 0x9b);                   /* 0x2e9b ticks, ~10 ms */
    outb(bus, 0x42, 0x2e);
    /* read-back latches status and count at the same instant: while OUT
     * is still low the count is within the programmed one (whatever
     * time has passed, so this holds on a slow host too) */
    outb(bus, 0x43, 0xc8);
    uint8_t st = inb(bus, 0x42);
    unsigned c1 = pit_read16(bus);
    g_assert_cmphex(st & 0x7f, ==, 0x30);    /* loaded, LSB/MSB, mode 0 */
    if (!(st & 0x80))
        g_assert_cmpuint(c1, <=, 0x2e9b);
    g_assert_true(vt_wait_until(pit_out2_high, bus, vt_timeout_ms(10000)));
    /* read-back status: OUT high, mode 0, LSB/MSB */
    outb(bus, 0x43, 0xe8);                   /* status only, channel 2 */
    g_assert_cmphex(inb(bus, 0x42), ==, 0x80 | 0x30 | 0x00);
    /* gate low freezes a mode 0 count */
    outb(bus, 0x43, 0xb0);
    outb(bus, 0x42, 0xff);
    outb(bus, 0x42, 0xff);
    outb(bus, 0x61, 0x00);
    outb(bus, 0x43, 0x80);
    unsigned f1 = pit_read16(bus);
    g_usleep(2000);
    outb(bus, 0x43, 0x80);
    unsigned f2 = pit_read16(bus);
    g_assert_cmpuint(f1, ==, f2);

    /* channel 0, mode 2 (rate generator): periodic IRQ 0 edges */
    outb(bus, 0x43, 0x34);
    outb(bus, 0x40, 0xa9);                   /* 1193 ticks = 1 ms */
    outb(bus, 0x40, 0x04);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (log.rises[0] < 3 && g_get_monotonic_time() < deadline) {
        timer_list_run(tl, vclock_ns());
        g_usleep(500);
    }
    g_assert_cmpint(log.rises[0], >=, 3);
    g_assert_cmpint(log.level[0], ==, 0);    /* pulses, not a held level */
    /* mode 0 on channel 0 fires exactly once */
    outb(bus, 0x43, 0x30);
    outb(bus, 0x40, 0x10);
    outb(bus, 0x40, 0x00);
    int before = log.rises[0];
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (log.rises[0] == before && g_get_monotonic_time() < deadline) {
        timer_list_run(tl, vclock_ns());
        g_usleep(200);
    }
    g_assert_cmpint(log.rises[0], ==, before + 1);
    g_assert_false(timer_list_next(tl) != TIMER_OFF);
    i8254_destroy(pit);
    io_bus_free(bus);
    timer_list_free(tl);
}

/* ---- RTC ----------------------------------------------------------- */

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

static uint8_t cmos(IoBus *bus, uint8_t idx)
{
    outb(bus, 0x70, idx);
    return inb(bus, 0x71);
}

static void cmos_set(IoBus *bus, uint8_t idx, uint8_t v)
{
    outb(bus, 0x70, idx);
    outb(bus, 0x71, v);
}

static void test_rtc(void)
{
    TimerList *tl = timer_list_new(NULL, NULL);
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine irq8 = irq_log_line(&log, 8);
    CmosRtc *rtc = rtc_create(tl, &irq8);
    g_assert_cmpint(rtc_attach(rtc, bus), ==, 0);
    g_assert_cmphex(cmos(bus, 0x0d), ==, 0x80);

    /* BCD, 24 h: the host's UTC date */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    g_assert_cmpint(bcd(cmos(bus, 9)), ==, tm.tm_year % 100);
    g_assert_cmpint(bcd(cmos(bus, 0x32)), ==, (tm.tm_year + 1900) / 100);
    g_assert_cmpint(bcd(cmos(bus, 8)), ==, tm.tm_mon + 1);
    int hour = bcd(cmos(bus, 4));
    g_assert_cmpint(hour, >=, 0);
    g_assert_cmpint(hour, <, 24);
    /* binary mode */
    cmos_set(bus, 0x0b, 0x06);
    g_assert_cmpint(cmos(bus, 8), ==, tm.tm_mon + 1);
    g_assert_cmpint(cmos(bus, 9), ==, tm.tm_year % 100);
    /* the guest sets the clock: year 2031, read back */
    cmos_set(bus, 0x0b, 0x86);               /* SET */
    cmos_set(bus, 0x09, 31);
    cmos_set(bus, 0x32, 20);
    cmos_set(bus, 0x0b, 0x06);
    g_assert_cmpint(cmos(bus, 9), ==, 31);
    g_assert_cmpint(cmos(bus, 0x32), ==, 20);
    /* UIP is set only in the last 244 us of a second: it must be seen
     * clear at some point */
    gboolean seen_clear = FALSE;
    for (int i = 0; i < 1000 && !seen_clear; i++)
        seen_clear = !(cmos(bus, 0x0a) & 0x80);
    g_assert_true(seen_clear);

    /* periodic interrupt at 1024 Hz, acknowledged by reading C */
    cmos_set(bus, 0x0a, 0x26);
    cmos_set(bus, 0x0b, 0x46);               /* PIE */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!log.level[8] && g_get_monotonic_time() < deadline) {
        timer_list_run(tl, vclock_ns());
        g_usleep(200);
    }
    g_assert_cmpint(log.level[8], ==, 1);
    g_assert_cmphex(cmos(bus, 0x0c) & 0xc0, ==, 0xc0);
    g_assert_cmpint(log.level[8], ==, 0);
    g_assert_cmphex(cmos(bus, 0x0c), ==, 0);
    cmos_set(bus, 0x0b, 0x06);
    g_assert_false(timer_list_next(tl) != TIMER_OFF);

    /* update-ended interrupt: UF at the next second boundary; an hour
     * alarm of 25 never matches, so no AF */
    cmos_set(bus, 0x05, 25);
    cmos_set(bus, 0x0b, 0x16);               /* UIE, binary, 24 h */
    g_assert_true(timer_list_next(tl) != TIMER_OFF);
    timer_list_run(tl, timer_list_next(tl));
    g_assert_cmpint(log.level[8], ==, 1);
    g_assert_cmphex(cmos(bus, 0x0c), ==, 0x90); /* IRQF | UF */
    g_assert_cmpint(log.level[8], ==, 0);
    g_assert_true(timer_list_next(tl) != TIMER_OFF); /* every second */
    /* SET stops updates and clears UIE (datasheet) */
    cmos_set(bus, 0x0b, 0x96);
    g_assert_cmphex(cmos(bus, 0x0b), ==, 0x86);
    g_assert_false(timer_list_next(tl) != TIMER_OFF);
    cmos_set(bus, 0x0b, 0x06);

    /* alarm with every field "don't care": AF at each update */
    cmos_set(bus, 0x01, 0xff);
    cmos_set(bus, 0x03, 0xc0);
    cmos_set(bus, 0x05, 0xff);
    cmos_set(bus, 0x0b, 0x26);               /* AIE */
    timer_list_run(tl, timer_list_next(tl));
    g_assert_cmpint(log.level[8], ==, 1);
    g_assert_cmphex(cmos(bus, 0x0c), ==, 0xb0); /* IRQF | AF | UF */
    /* an alarm minute 30 minutes away does not match the next update */
    cmos_set(bus, 0x03, (cmos(bus, 0x02) + 30) % 60);
    timer_list_run(tl, timer_list_next(tl));
    g_assert_cmpint(log.level[8], ==, 0);
    g_assert_cmphex(cmos(bus, 0x0c), ==, 0x10); /* UF, no IRQF without UIE */
    /* enabling UIE with UF already pending raises IRQF at once */
    cmos_set(bus, 0x01, 0xff);
    cmos_set(bus, 0x03, 0xff);
    timer_list_run(tl, timer_list_next(tl));
    g_assert_cmpint(log.level[8], ==, 1);
    cmos_set(bus, 0x0b, 0x06);               /* no enables: line drops */
    g_assert_cmpint(log.level[8], ==, 0);
    g_assert_false(timer_list_next(tl) != TIMER_OFF);
    cmos_set(bus, 0x0b, 0x16);
    g_assert_cmpint(log.level[8], ==, 1);    /* UF.UIE */
    cmos_set(bus, 0x0b, 0x06);
    (void)cmos(bus, 0x0c);

    /* divider in reset (register A DV=110): no update cycle */
    cmos_set(bus, 0x0a, 0x66);
    cmos_set(bus, 0x0b, 0x16);
    g_assert_false(timer_list_next(tl) != TIMER_OFF);
    cmos_set(bus, 0x0a, 0x26);
    g_assert_true(timer_list_next(tl) != TIMER_OFF);
    cmos_set(bus, 0x0b, 0x06);

    /* no interrupts enabled: a guest polling C still sees UF once the
     * host clock passes a second boundary */
    (void)cmos(bus, 0x0c);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    uint8_t c = 0;
    while (!(c & 0x10) && g_get_monotonic_time() < deadline) {
        g_usleep(10000);
        c = cmos(bus, 0x0c);
    }
    g_assert_cmphex(c, ==, 0x10);
    g_assert_cmpint(log.level[8], ==, 0);
    rtc_destroy(rtc);
    io_bus_free(bus);
    timer_list_free(tl);
}

/* ---- i8042 --------------------------------------------------------- */

static void test_i8042(void)
{
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine k = irq_log_line(&log, 1), a = irq_log_line(&log, 12);
    I8042 *kbd = i8042_create(&k, &a, VCPU_EXIT_RESET);
    g_assert_cmpint(i8042_attach(kbd, bus), ==, 0);
    g_assert_cmphex(inb(bus, 0x64) & 0x01, ==, 0);
    outb(bus, 0x64, 0xaa);                   /* self test */
    g_assert_cmphex(inb(bus, 0x64) & 0x01, ==, 0x01);
    g_assert_cmpint(log.level[1], ==, 1);    /* command byte enables IRQ 1 */
    g_assert_cmphex(inb(bus, 0x60), ==, 0x55);
    g_assert_cmpint(log.level[1], ==, 0);
    /* command byte round trip, interrupts off */
    outb(bus, 0x64, 0x60);
    outb(bus, 0x60, 0x44);
    outb(bus, 0x64, 0x20);
    g_assert_cmphex(inb(bus, 0x60), ==, 0x44);
    g_assert_cmpint(log.rises[1], ==, 1);
    /* keyboard reset answers ACK + self-test passed */
    outb(bus, 0x60, 0xff);
    g_assert_cmphex(inb(bus, 0x60), ==, 0xfa);
    g_assert_cmphex(inb(bus, 0x60), ==, 0xaa);
    /* no mouse: aux interface test reports a fault */
    outb(bus, 0x64, 0xa9);
    g_assert_cmphex(inb(bus, 0x60), !=, 0x00);
    /* pulse reset */
    g_assert_cmpint(outb(bus, 0x64, 0xfe), ==, VCPU_EXIT_RESET);
    outb(bus, 0x64, 0xd1);
    g_assert_cmpint(outb(bus, 0x60, 0xfe), ==, VCPU_EXIT_RESET);
    i8042_destroy(kbd);
    io_bus_free(bus);
}

/* send-key chords: a chord sent while another is held types after its
 * release, so a late shift release never shifts the next key. */
static void test_key_chords(void)
{
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine k = irq_log_line(&log, 1), a = irq_log_line(&log, 12);
    I8042 *kbd = i8042_create(&k, &a, VCPU_EXIT_RESET);
    g_assert_cmpint(i8042_attach(kbd, bus), ==, 0);
    TimerList *tl = timer_list_new(NULL, NULL);
    KeyChords *kc = key_chords_new(kbd, tl);
    const unsigned star[] = { 42, 9 }, six[] = { 7 }; /* LEFTSHIFT+8, then 6 */
    g_assert_cmpint(key_chords_push(kc, star, 2, 30, NULL), ==, 0);
    g_assert_cmpint(key_chords_push(kc, six, 1, 30, NULL), ==, 0);
    g_assert_cmpuint(key_chords_pending(kc), ==, 2);
    /* held: only the first chord's presses (set 1, translated) */
    g_assert_cmphex(inb(bus, 0x60), ==, 0x2a);
    g_assert_cmphex(inb(bus, 0x60), ==, 0x09);
    g_assert_cmphex(inb(bus, 0x64) & 0x01, ==, 0);
    g_assert_cmpint(timer_list_run(tl, timer_list_next(tl)), ==, 1);
    /* released in reverse order, then the next chord pressed */
    g_assert_cmphex(inb(bus, 0x60), ==, 0x89);
    g_assert_cmphex(inb(bus, 0x60), ==, 0xaa);
    g_assert_cmphex(inb(bus, 0x60), ==, 0x07);
    g_assert_cmphex(inb(bus, 0x64) & 0x01, ==, 0);
    g_assert_cmpint(timer_list_run(tl, timer_list_next(tl)), ==, 1);
    g_assert_cmphex(inb(bus, 0x60), ==, 0x87);
    g_assert_cmpuint(key_chords_pending(kc), ==, 0);
    g_assert_cmpint(timer_list_next(tl), ==, TIMER_OFF);
    /* bad input: nothing typed, a clear code back */
    unsigned bad = 99;
    const unsigned mixed[] = { 30, 0x2ff };
    g_assert_cmpint(key_chords_push(kc, mixed, 2, 10, &bad), ==, -EINVAL);
    g_assert_cmpuint(bad, ==, 1);
    g_assert_cmpint(key_chords_push(kc, mixed, 0, 10, NULL), ==, -E2BIG);
    g_assert_cmphex(inb(bus, 0x64) & 0x01, ==, 0);
    /* a bounded queue: the held chord and KEY_CHORDS_QUEUED behind it */
    for (unsigned i = 0; i <= KEY_CHORDS_QUEUED; i++)
        g_assert_cmpint(key_chords_push(kc, six, 1, 10, NULL), ==, 0);
    g_assert_cmpint(key_chords_push(kc, six, 1, 10, NULL), ==, -EBUSY);
    unsigned bytes = 0;
    while (key_chords_pending(kc)) {
        while (inb(bus, 0x64) & 0x01) {
            g_assert_cmphex(inb(bus, 0x60), ==, bytes % 2 ? 0x87 : 0x07);
            bytes++;
        }
        g_assert_cmpint(timer_list_run(tl, timer_list_next(tl)), ==, 1);
    }
    while (inb(bus, 0x64) & 0x01) {
        g_assert_cmphex(inb(bus, 0x60), ==, bytes % 2 ? 0x87 : 0x07);
        bytes++;
    }
    g_assert_cmpuint(bytes, ==, 2 * (KEY_CHORDS_QUEUED + 1));
    key_chords_free(kc);
    timer_list_free(tl);
    i8042_destroy(kbd);
    io_bus_free(bus);
}

/* ---- ACPI PM ------------------------------------------------------- */

static void test_acpi_pm(void)
{
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    IrqLine sci = irq_log_line(&log, 9);
    AcpiPm *pm = acpi_pm_create(&sci, VCPU_EXIT_SHUTDOWN, VCPU_EXIT_RESET);
    g_assert_cmpint(acpi_pm_attach(pm, bus), ==, 0);
    uint64_t v;
    io_bus_read(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2, &v);
    g_assert_cmphex(v & 1, ==, 1);           /* SCI_EN: always in ACPI mode */
    /* power button: status without enable raises no SCI */
    acpi_pm_power_button(pm);
    g_assert_cmpint(log.level[9], ==, 0);
    io_bus_read(bus, IO_SPACE_PIO, ACPI_PM_BASE, 2, &v);
    g_assert_cmphex(v & 0x100, ==, 0x100);
    io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + 2, 2, 0x100); /* PWRBTN_EN */
    g_assert_cmpint(log.level[9], ==, 1);
    io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE, 2, 0x100);     /* write-1-to-clear */
    g_assert_cmpint(log.level[9], ==, 0);
    io_bus_read(bus, IO_SPACE_PIO, ACPI_PM_BASE, 2, &v);
    g_assert_cmphex(v & 0x100, ==, 0);
    /* the PM timer runs */
    uint32_t t1 = inl(bus, ACPI_PM_BASE + ACPI_PM_TMR_OFF);
    g_usleep(1000);
    uint32_t t2 = inl(bus, ACPI_PM_BASE + ACPI_PM_TMR_OFF);
    g_assert_cmphex(t1 >> 24, ==, 0);
    g_assert_cmpuint(t1, !=, t2);
    /* S1 (SLP_TYP 1) is ignored; S5 powers off */
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2,
                                 (1 << 10) | (1 << 13)), ==, 0);
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2,
                                 (ACPI_S5_SLP_TYP << 10) | (1 << 13)), ==, VCPU_EXIT_SHUTDOWN);
    /* a reboot through the power button: S5 resets instead, until the
     * machine resets; then S5 powers off again */
    acpi_pm_set_s5_reset(pm, true);
    g_assert_true(acpi_pm_s5_reset(pm));
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2,
                                 (ACPI_S5_SLP_TYP << 10) | (1 << 13)), ==, VCPU_EXIT_RESET);
    acpi_pm_reset(pm);
    g_assert_false(acpi_pm_s5_reset(pm));
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2,
                                 (ACPI_S5_SLP_TYP << 10) | (1 << 13)), ==, VCPU_EXIT_SHUTDOWN);
    acpi_pm_set_s5_reset(pm, true);
    acpi_pm_set_s5_reset(pm, false);   /* a power button press after it: power off */
    g_assert_cmpint(io_bus_write(bus, IO_SPACE_PIO, ACPI_PM_BASE + ACPI_PM1_CNT_OFF, 2,
                                 (ACPI_S5_SLP_TYP << 10) | (1 << 13)), ==, VCPU_EXIT_SHUTDOWN);
    /* reset register */
    g_assert_cmpint(outb(bus, ACPI_PM_BASE + ACPI_RESET_OFF, 0x02), ==, 0);
    g_assert_cmpint(outb(bus, ACPI_PM_BASE + ACPI_RESET_OFF, ACPI_RESET_VALUE), ==,
                    VCPU_EXIT_RESET);
    acpi_pm_destroy(pm);
    io_bus_free(bus);
}

/* ---- PCI ----------------------------------------------------------- */

static uint32_t pci_cfg_read(IoBus *bus, int slot, int reg)
{
    outl(bus, 0xcf8, 0x80000000u | (slot << 11) | reg);
    return inl(bus, 0xcfc);
}

static void pci_cfg_write(IoBus *bus, int slot, int reg, uint32_t v)
{
    outl(bus, 0xcf8, 0x80000000u | (slot << 11) | reg);
    outl(bus, 0xcfc, v);
}

static void test_pci(void)
{
    IoBus *bus = io_bus_new();
    IrqLog log = { 0 };
    PciHost *host = pci_host_create(bus, NULL);
    g_assert_cmpint(pci_host_attach(host), ==, 0);
    /* the type-1 probe: address register reads back */
    outl(bus, 0xcf8, 0x80000000u);
    g_assert_cmphex(inl(bus, 0xcf8), ==, 0x80000000u);
    /* host bridge 00:00.0, class 0600 */
    g_assert_cmphex(pci_cfg_read(bus, 0, 0x08) >> 16, ==, 0x0600);
    g_assert_cmphex(pci_cfg_read(bus, 0, 0x00), !=, 0xffffffff);
    /* empty slot */
    g_assert_cmphex(pci_cfg_read(bus, 5, 0x00), ==, 0xffffffff);

    FakeDev bar_dev = { 0 };
    IoOps bar_ops = { fake_read, fake_write, 4 };
    PciDevice *d = pci_device_add(host, 3, 0x1af4, 0x1042, 0x018000, 1, 0x1af4, 2, 1, NULL,
                                  NULL);
    g_assert_nonnull(d);
    g_assert_null(pci_device_add(host, 3, 0x1af4, 0x1042, 0, 0, 0, 0, 0, NULL, NULL));
    g_assert_cmpint(pci_device_add_bar(d, 0, 0x1000, PCI_BAR_MEM32, &bar_ops, &bar_dev), ==, 0);
    g_assert_cmpint(pci_device_add_bar(d, 2, 0x4000, PCI_BAR_MEM64, &bar_ops, &bar_dev), ==, 0);
    g_assert_cmpint(pci_device_add_bar(d, 1, 0x1001, PCI_BAR_MEM32, &bar_ops, &bar_dev), ==, -EINVAL);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x00), ==, 0x10421af4);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x3c) >> 8 & 0xff, ==, 1);   /* INTA */
    /* BAR sizing */
    uint32_t bar0 = pci_cfg_read(bus, 3, 0x10);
    g_assert_cmphex(bar0 & 0xf, ==, 0);
    g_assert_cmphex(bar0, >=, PCI_MMIO_WINDOW_BASE);
    pci_cfg_write(bus, 3, 0x10, 0xffffffff);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x10), ==, 0xfffff000);
    pci_cfg_write(bus, 3, 0x10, bar0);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x10), ==, bar0);
    pci_cfg_write(bus, 3, 0x18, 0xffffffff);
    pci_cfg_write(bus, 3, 0x1c, 0xffffffff);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x18), ==, 0xffffc004);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x1c), ==, 0xffffffff);
    /* decoding follows the command register */
    uint64_t v;
    io_bus_read(bus, IO_SPACE_MMIO, bar0, 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);
    pci_cfg_write(bus, 3, 0x04, 0x0006);     /* memory + bus master */
    io_bus_write(bus, IO_SPACE_MMIO, bar0 + 4, 4, 0x12345678);
    g_assert_cmphex(*(uint32_t *)(bar_dev.mem + 4), ==, 0x12345678);
    /* moving the BAR moves the mapping */
    pci_cfg_write(bus, 3, 0x10, 0xd0000000);
    io_bus_read(bus, IO_SPACE_MMIO, 0xd0000004, 4, &v);
    g_assert_cmphex(v, ==, 0x12345678);
    io_bus_read(bus, IO_SPACE_MMIO, bar0 + 4, 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);
    pci_cfg_write(bus, 3, 0x04, 0x0000);
    io_bus_read(bus, IO_SPACE_MMIO, 0xd0000004, 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);

    /* ECAM: the same config space, bus 0 only, 4 KiB per function */
#define ECAM(slot, fn, reg) (PCI_ECAM_BASE + ((slot) << 15) + ((fn) << 12) + (reg))
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x00), 4, &v);
    g_assert_cmphex(v, ==, 0x10421af4);
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x02), 2, &v);
    g_assert_cmphex(v, ==, 0x1042);
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(0, 0, 0x0a), 2, &v);
    g_assert_cmphex(v, ==, 0x0600);                          /* host bridge */
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x10), 4, &v);
    g_assert_cmphex(v, ==, 0xd0000000);
    io_bus_write(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x04), 2, 0x0002); /* memory on */
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x04) & 0xffff, ==, 0x0002);
    io_bus_read(bus, IO_SPACE_MMIO, 0xd0000004, 4, &v);
    g_assert_cmphex(v, ==, 0x12345678);                      /* decoding again */
    pci_cfg_write(bus, 3, 0x04, 0x0000);
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x04), 2, &v);
    g_assert_cmphex(v, ==, 0);
    /* empty slot, other functions: all ones; beyond 256 bytes: zero */
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(5, 0, 0x00), 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 1, 0x00), 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x100), 4, &v);
    g_assert_cmphex(v, ==, 0);
    io_bus_write(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x100), 4, 0xffffffff); /* ignored */
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(31, 7, 0xffc), 4, &v);
    g_assert_cmphex(v, ==, 0xffffffff);
    /* a 16-bit access that crosses a dword reads all ones, writes nothing */
    io_bus_read(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x03), 2, &v);
    g_assert_cmphex(v, ==, 0xffff);
    io_bus_write(bus, IO_SPACE_MMIO, ECAM(3, 0, 0x03), 2, 0xffff);
    g_assert_cmphex(pci_cfg_read(bus, 3, 0x04) & 0xffff, ==, 0);
#undef ECAM
    (void)log;
    pci_host_destroy(host);
    io_bus_free(bus);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm/io-bus", test_io_bus);
    g_test_add_func("/vmm/uart16550", test_uart);
    g_test_add_func("/vmm/i8259", test_pic);
    g_test_add_func("/vmm/i8254", test_pit);
    g_test_add_func("/vmm/rtc", test_rtc);
    g_test_add_func("/vmm/i8042", test_i8042);
    g_test_add_func("/vmm/i8042/send-key-chords", test_key_chords);
    g_test_add_func("/vmm/acpi-pm", test_acpi_pm);
    g_test_add_func("/vmm/pci", test_pci);
    g_test_add_func("/vmm/fw-cfg", test_fw_cfg);
    g_test_add_func("/vmm/debug-exit", test_debug_exit);
    g_test_add_func("/vmm/pc-testdev", test_pc_testdev);
    return g_test_run();
}
