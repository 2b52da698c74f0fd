/* uart16550.c - 16550A UART: 16-byte receive FIFO with trigger levels and
 * a character timeout, the IER/IIR interrupt priorities (line status,
 * received data, timeout, THR empty, modem status), LSR/MSR, the scratch
 * register, divisor latch and loopback (MCR bit 4, where transmitted bytes
 * come back as received ones and the modem lines loop to the status bits).
 * Transmission is instant: a byte written to THR goes to the back-end at
 * once, so THR and the shift register are always empty again.  As on a PC,
 * the interrupt reaches the PIC only while MCR.OUT2 is set (also in
 * loopback, so a driver can test interrupts without a peer). */
#include "config.h"

#include "vmm/hw/uart16550.h"

#include <stdlib.h>
#include <string.h>

enum {
    UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3,
    UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO 0xc0

#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define UART_FIFO_SIZE 16
/* Character timeout: four character times at 115200 baud is ~350us; a
 * little more keeps the timer cheap and is invisible to drivers. */
#define UART_TIMEOUT_NS 1000000

struct Uart16550 {
    IrqLine irq;
    CharBackend *be;
    MachineTimer *timeout;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    uint8_t fifo[UART_FIFO_SIZE];
    unsigned head, count;
    bool thre_pending, timeout_pending, refused_input;
    int irq_level;
};

static unsigned uart_trigger_level(const Uart16550 *u)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };
    return (u->fcr & FCR_ENABLE) ? levels[u->fcr >> 6] : 1;
}

static unsigned uart_fifo_cap(const Uart16550 *u)
{
    return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static uint8_t uart_iir(const Uart16550 *u)
{
    uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;
    if ((u->ier & IER_RLSI) && (u->lsr & (LSR_OE | LSR_BI)))
        return IIR_RLSI | fifo;
    if ((u->ier & IER_RDI) && u->count >= uart_trigger_level(u))
        return IIR_RDI | fifo;
    if ((u->ier & IER_RDI) && u->timeout_pending && u->count)
        return IIR_CTI | fifo;
    if ((u->ier & IER_THRI) && u->thre_pending)
        return IIR_THRI | fifo;
    if ((u->ier & IER_MSI) && (u->msr & 0x0f))
        return IIR_MSI | fifo;
    return IIR_NO_INT | fifo;
}

static void uart_update_irq(Uart16550 *u)
{
    int level = !(uart_iir(u) & IIR_NO_INT) && (u->mcr & MCR_OUT2);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_line_set(&u->irq, level);
    }
}

static void uart_timeout_fire(void *opaque, int64_t now)
{
    (void)now;
    Uart16550 *u = opaque;
    if (u->count) {
        u->timeout_pending = true;
        uart_update_irq(u);
    }
}

static void uart_rx_activity(Uart16550 *u)
{
    u->timeout_pending = false;
    if (u->count)
        timer_mod(u->timeout, vclock_ns() + UART_TIMEOUT_NS);
    else
        timer_del(u->timeout);
}

static void uart_fifo_push(Uart16550 *u, uint8_t byte)
{
    if (u->count >= uart_fifo_cap(u)) {
        u->lsr |= LSR_OE;
        return;
    }
    u->fifo[(u->head + u->count) % UART_FIFO_SIZE] = byte;
    u->count++;
    u->lsr |= LSR_DR;
}

/* Input the back-end was refused (a full FIFO, loopback) may come now: tell
 * it once there is room.  Reading RBR is not the only way room appears: a
 * FIFO cleared or enabled (FCR), a reset, the end of loopback; a guest
 * that set up its UART after input arrived would otherwise never hear
 * the back-end again. */
static void uart_offer_room(Uart16550 *u)
{
    if (u->refused_input && !(u->mcr & MCR_LOOP) && u->count < uart_fifo_cap(u) && u->be &&
        u->be->accept_input) {
        u->refused_input = false;
        u->be->accept_input(u->be);
    }
}

static void uart_fifo_clear(Uart16550 *u)
{
    u->head = u->count = 0;
    u->lsr &= ~LSR_DR;
    u->timeout_pending = false;
    timer_del(u->timeout);
}

/* Modem status as seen by the guest: in loopback the outputs come back. */
static void uart_update_msr(Uart16550 *u)
{
    uint8_t lines;
    if (u->mcr & MCR_LOOP) {
        lines = 0;
        if (u->mcr & MCR_RTS)
            lines |= MSR_CTS;
        if (u->mcr & MCR_DTR)
            lines |= MSR_DSR;
        if (u->mcr & MCR_OUT1)
            lines |= MSR_RI;
        if (u->mcr & MCR_OUT2)
            lines |= MSR_DCD;
    } else {
        lines = MSR_CTS | MSR_DSR | MSR_DCD;
    }
    uint8_t changed = (lines ^ u->msr) & 0xf0;
    uint8_t delta = 0;
    if (changed & MSR_CTS)
        delta |= MSR_DCTS;
    if (changed & MSR_DSR)
        delta |= MSR_DDSR;
    if (changed & MSR_DCD)
        delta |= MSR_DDCD;
    if ((u->msr & MSR_RI) && !(lines & MSR_RI))
        delta |= MSR_TERI;
    u->msr = lines | (u->msr & 0x0f) | delta;
}

void uart16550_reset(Uart16550 *u)
{
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = 0;
    u->scr = 0;
    u->fcr = 0;
    u->divisor = 12; /* 9600 baud */
    u->thre_pending = false;
    uart_fifo_clear(u);
    uart_update_msr(u);
    u->msr &= 0xf0;
    uart_update_irq(u);
    uart_offer_room(u);
}

Uart16550 *uart16550_create(TimerList *tl, const IrqLine *irq, CharBackend *be)
{
    Uart16550 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    if (irq)
        u->irq = *irq;
    u->be = be;
    u->timeout = timer_new(tl, uart_timeout_fire, u);
    if (!u->timeout) {
        free(u);
        return NULL;
    }
    uart16550_reset(u);
    return u;
}

void uart16550_destroy(Uart16550 *u)
{
    if (!u)
        return;
    timer_free(u->timeout);
    free(u);
}

static const IoOps uart_ops = {
    .read = uart16550_read,
    .write = uart16550_write,
    .sizes = IO_SIZES_8BIT,
};

int uart16550_attach(Uart16550 *u, IoBus *bus, IoSpace space, uint64_t base)
{
    return io_bus_register(bus, space, base, 8, &uart_ops, u);
}

static uint8_t uart_read_rbr(Uart16550 *u)
{
    if (!u->count)
        return 0;
    uint8_t b = u->fifo[u->head];
    u->head = (u->head + 1) % UART_FIFO_SIZE;
    u->count--;
    if (!u->count)
        u->lsr &= ~LSR_DR;
    uart_rx_activity(u);
    uart_update_irq(u);
    uart_offer_room(u);
    return b;
}

uint64_t uart16550_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    Uart16550 *u = opaque;
    uint8_t v;
    switch (offset) {
    case UART_RBR_THR:
        return (u->lcr & LCR_DLAB) ? (u->divisor & 0xff) : uart_read_rbr(u);
    case UART_IER:
        return (u->lcr & LCR_DLAB) ? (u->divisor >> 8) : u->ier;
    case UART_IIR_FCR:
        v = uart_iir(u);
        if ((v & 0x0f) == IIR_THRI) {
            u->thre_pending = false;
            uart_update_irq(u);
        }
        return v;
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        v = u->lsr;
        if (u->lsr & (LSR_OE | LSR_BI)) {
            u->lsr &= ~(LSR_OE | LSR_BI);
            uart_update_irq(u);
        }
        return v;
    case UART_MSR:
        v = u->msr;
        if (u->msr & 0x0f) {
            u->msr &= 0xf0;
            uart_update_irq(u);
        }
        return v;
    case UART_SCR:
        return u->scr;
    }
    return 0xff;
}

static void uart_transmit(Uart16550 *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP) {
        uart_fifo_push(u, byte);
        uart_rx_activity(u);
    } else if (u->be && u->be->write) {
        u->be->write(u->be, &byte, 1);
    }
    /* Sent at once: THR empty again, which is what the interrupt says. */
    u->lsr |= LSR_THRE | LSR_TEMT;
    u->thre_pending = true;
}

int uart16550_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    Uart16550 *u = opaque;
    uint8_t b = val;
    switch (offset) {
    case UART_RBR_THR:
        if (u->lcr & LCR_DLAB)
            u->divisor = (u->divisor & 0xff00) | b;
        else
            uart_transmit(u, b);
        break;
    case UART_IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (u->divisor & 0x00ff) | (b << 8);
        } else {
            /* Enabling the THR interrupt while THR is empty raises it. */
            if ((b & IER_THRI) && !(u->ier & IER_THRI) && (u->lsr & LSR_THRE))
                u->thre_pending = true;
            u->ier = b & 0x0f;
        }
        break;
    case UART_IIR_FCR:
        if ((b ^ u->fcr) & FCR_ENABLE)
            uart_fifo_clear(u);
        if (b & FCR_CLEAR_RX)
            uart_fifo_clear(u);
        u->fcr = b & 0xc1;
        break;
    case UART_LCR:
        u->lcr = b;
        break;
    case UART_MCR:
        u->mcr = b & 0x1f;
        uart_update_msr(u);
        break;
    case UART_LSR:
    case UART_MSR:
        break; /* read-only */
    case UART_SCR:
        u->scr = b;
        break;
    }
    uart_update_irq(u);
    uart_offer_room(u);
    return 0;
}

size_t uart16550_can_receive(Uart16550 *u)
{
    if (u->mcr & MCR_LOOP) {
        u->refused_input = true; /* told again when loopback ends */
        return 0;                /* the line is looped back: the outside is not heard */
    }
    unsigned room = uart_fifo_cap(u) - u->count;
    if (!room)
        u->refused_input = true;
    return room;
}

size_t uart16550_receive(Uart16550 *u, const uint8_t *buf, size_t len)
{
    size_t room = uart16550_can_receive(u);
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        uart_fifo_push(u, buf[i]);
    if (n < len)
        u->refused_input = true;
    if (n) {
        uart_rx_activity(u);
        uart_update_irq(u);
    }
    return n;
}
