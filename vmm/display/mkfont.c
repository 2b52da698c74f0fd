/* mkfont.c - build-time tool: turn a Linux console font (PSF 1 or 2,
 * gzip'd or not, with a Unicode table) into the VGA's 8x16 character
 * generator in code page 437 order, as C source for font8x16.c.
 *
 *   mkfont FONT.psf[.gz] > font8x16.c
 *
 * Code page 437 is mapped to Unicode with iconv; a character the font
 * lacks gets the font's glyph for U+FFFD, else an empty cell, and is
 * counted on stderr.  The VGA's own ROM font is not free to copy; the
 * console fonts of Debian's console-setup are (the VGA16 ones are drawn
 * after it). */
#include <errno.h>
#include <stdbool.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_FONT (4u << 20)

typedef struct {
    const uint8_t *glyphs;
    unsigned count, height, bytes_per_glyph;
    uint32_t *map;          /* glyph index -> up to 16 code points, 0-terminated */
    unsigned map_width;
} Psf;

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* UTF-8 sequence at *p (for PSF 2 tables); 0 on a malformed byte. */
static uint32_t utf8(const uint8_t **p, const uint8_t *end)
{
    uint32_t c = *(*p)++;
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (more)
        c &= 0x3f >> more;
    while (more-- > 0 && *p < end)
        c = c << 6 | (*(*p)++ & 0x3f);
    return c;
}

static void psf_map_add(Psf *f, unsigned glyph, uint32_t cp)
{
    uint32_t *slot = f->map + (size_t)glyph * f->map_width;
    for (unsigned i = 0; i + 1 < f->map_width; i++) {
        if (!slot[i]) {
            slot[i] = cp;
            return;
        }
    }
}

static int psf_parse(Psf *f, const uint8_t *buf, size_t len)
{
    const uint8_t *table = NULL, *end = buf + len;
    bool v2 = false;
    if (len >= 4 && buf[0] == 0x36 && buf[1] == 0x04) {
        f->count = (buf[2] & 1) ? 512 : 256;
        f->height = f->bytes_per_glyph = buf[3];
        f->glyphs = buf + 4;
        if (buf[2] & 2)
            table = f->glyphs + (size_t)f->count * f->bytes_per_glyph;
    } else if (len >= 32 && rd32(buf) == 0x864ab572) {
        uint32_t hdr = rd32(buf + 8), flags = rd32(buf + 12);
        f->count = rd32(buf + 16);
        f->bytes_per_glyph = rd32(buf + 20);
        f->height = rd32(buf + 24);
        if (rd32(buf + 28) != 8 || hdr > len)
            return -1;
        f->glyphs = buf + hdr;
        if (flags & 1)
            table = f->glyphs + (size_t)f->count * f->bytes_per_glyph;
        v2 = true;
    } else {
        return -1;
    }
    if (f->height != 16 || f->bytes_per_glyph != 16 || !table || table > end ||
        f->count > 4096)
        return -1;
    f->map_width = 16;
    f->map = calloc((size_t)f->count * f->map_width, sizeof(uint32_t));
    const uint8_t *p = table;
    for (unsigned g = 0; g < f->count && p < end; g++) {
        bool in_seq = false;
        while (p < end) {
            if (!v2) {
                if (p + 2 > end)
                    return -1;
                uint16_t u = p[0] | p[1] << 8;
                p += 2;
                if (u == 0xffff)
                    break;
                if (u == 0xfffe)
                    in_seq = true;
                else if (!in_seq)
                    psf_map_add(f, g, u);
            } else {
                if (*p == 0xff) {
                    p++;
                    break;
                }
                if (*p == 0xfe) {
                    p++;
                    in_seq = true;
                    continue;
                }
                uint32_t u = utf8(&p, end);
                if (!in_seq && u)
                    psf_map_add(f, g, u);
            }
        }
    }
    return 0;
}

static int psf_find(const Psf *f, uint32_t cp)
{
    for (unsigned g = 0; g < f->count; g++)
        for (const uint32_t *s = f->map + (size_t)g * f->map_width; *s; s++)
            if (*s == cp)
                return (int)g;
    return -1;
}

/* Unicode of CP437 byte @b (the control range is the VGA's graphics). */
static uint32_t cp437_unicode(iconv_t cd, unsigned b)
{
    static const uint16_t low[32] = {
        0x0000, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
        0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
        0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
        0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
    };
    if (b < 32)
        return low[b];
    if (b == 0x7f)
        return 0x2302;
    char in = (char)b, *ip = &in;
    uint8_t out[4] = { 0 };
    char *op = (char *)out;
    size_t il = 1, ol = 4;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
        return 0;
    return rd32(out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkfont FONT.psf[.gz]\n");
        return 2;
    }
    gzFile gz = gzopen(argv[1], "rb");
    if (!gz) {
        fprintf(stderr, "mkfont: cannot open %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    uint8_t *buf = malloc(MAX_FONT);
    int len = gzread(gz, buf, MAX_FONT);
    gzclose(gz);
    Psf f = { 0 };
    if (len <= 0 || psf_parse(&f, buf, (size_t)len) < 0) {
        fprintf(stderr, "mkfont: %s: not an 8x16 PSF font with a Unicode table\n", argv[1]);
        free(f.map);
        free(buf);
        return 1;
    }
    iconv_t cd = iconv_open("UTF-32LE", "CP437");
    if (cd == (iconv_t)-1) {
        fprintf(stderr, "mkfont: iconv has no CP437\n");
        free(f.map);
        free(buf);
        return 1;
    }
    int fallback = psf_find(&f, 0xfffd);
    unsigned missing = 0;
    printf("/* font8x16.c - generated by mkfont from %s: do not edit. */\n", argv[1]);
    printf("#include \"vmm/display/text_render.h\"\n\n");
    printf("const uint8_t text_font8x16[256][16] = {\n");
    for (unsigned b = 0; b < 256; b++) {
        uint32_t cp = cp437_unicode(cd, b);
        int g = b == 0 || b == 0x20 || b == 0xff ? psf_find(&f, 0x20) : psf_find(&f, cp);
        if (g < 0 && cp) {
            missing++;
            g = fallback;
        }
        printf("    { ");
        for (unsigned r = 0; r < 16; r++)
            printf("0x%02x%s", g < 0 ? 0 : f.glyphs[(size_t)g * 16 + r], r < 15 ? ", " : "");
        printf(" }, /* 0x%02x U+%04X */\n", b, cp);
    }
    printf("};\n");
    if (missing)
        fprintf(stderr, "mkfont: %u of 256 characters not in the font\n", missing);
    iconv_close(cd);
    free(f.map);
    free(buf);
    return 0;
}
