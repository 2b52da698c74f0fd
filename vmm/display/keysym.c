/* keysym.c - X keysym -> Linux keycode tables (see keysym.h). */
#include "config.h"

#include "vmm/display/keysym.h"

#include <stddef.h>

/* Printable ASCII 0x20-0x7e. */
static const uint8_t ascii_keys[95] = {
    57, 2,  40, 4,  5,  6,  8,  40, 10, 11, 9,  13, 51, 12, 52, 53, /*  !"#$%&'()*+,-./ */
    11, 2,  3,  4,  5,  6,  7,  8,  9,  10,                         /* 0-9 */
    39, 39, 51, 13, 52, 53, 3,                                      /* :;<=>?@ */
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50,             /* A-M */
    49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44,             /* N-Z */
    26, 43, 27, 7,  12, 41,                                         /* [\]^_` */
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50,             /* a-m */
    49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44,             /* n-z */
    26, 43, 27, 41,                                                 /* {|}~ */
};

static const struct {
    uint16_t keysym;
    uint16_t code;
} special_keys[] = {
    { 0xff08, 14 },  /* BackSpace */   { 0xff09, 15 },  /* Tab */
    { 0xff0d, 28 },  /* Return */      { 0xff13, 119 }, /* Pause */
    { 0xff14, 70 },  /* Scroll_Lock */ { 0xff15, 99 },  /* Sys_Req */
    { 0xff1b, 1 },   /* Escape */      { 0xff50, 102 }, /* Home */
    { 0xff51, 105 }, /* Left */        { 0xff52, 103 }, /* Up */
    { 0xff53, 106 }, /* Right */       { 0xff54, 108 }, /* Down */
    { 0xff55, 104 }, /* Page_Up */     { 0xff56, 109 }, /* Page_Down */
    { 0xff57, 107 }, /* End */         { 0xff61, 99 },  /* Print */
    { 0xff63, 110 }, /* Insert */      { 0xff67, 127 }, /* Menu */
    { 0xff7f, 69 },  /* Num_Lock */    { 0xff8d, 96 },  /* KP_Enter */
    { 0xff95, 71 },  /* KP_Home */     { 0xff96, 75 },  /* KP_Left */
    { 0xff97, 72 },  /* KP_Up */       { 0xff98, 77 },  /* KP_Right */
    { 0xff99, 80 },  /* KP_Down */     { 0xff9a, 73 },  /* KP_Page_Up */
    { 0xff9b, 81 },  /* KP_Page_Down */ { 0xff9c, 79 }, /* KP_End */
    { 0xff9d, 76 },  /* KP_Begin */    { 0xff9e, 82 },  /* KP_Insert */
    { 0xff9f, 83 },  /* KP_Delete */   { 0xffaa, 55 },  /* KP_Multiply */
    { 0xffab, 78 },  /* KP_Add */      { 0xffac, 83 },  /* KP_Separator */
    { 0xffad, 74 },  /* KP_Subtract */ { 0xffae, 83 },  /* KP_Decimal */
    { 0xffaf, 98 },  /* KP_Divide */   { 0xffb0, 82 },  /* KP_0 */
    { 0xffb1, 79 },  { 0xffb2, 80 },   { 0xffb3, 81 },  { 0xffb4, 75 },
    { 0xffb5, 76 },  { 0xffb6, 77 },   { 0xffb7, 71 },  { 0xffb8, 72 },
    { 0xffb9, 73 },  /* KP_9 */        { 0xffbd, 117 }, /* KP_Equal */
    { 0xffbe, 59 },  { 0xffbf, 60 },   { 0xffc0, 61 },  { 0xffc1, 62 }, /* F1-F4 */
    { 0xffc2, 63 },  { 0xffc3, 64 },   { 0xffc4, 65 },  { 0xffc5, 66 }, /* F5-F8 */
    { 0xffc6, 67 },  { 0xffc7, 68 },   { 0xffc8, 87 },  { 0xffc9, 88 }, /* F9-F12 */
    { 0xffe1, 42 },  /* Shift_L */     { 0xffe2, 54 },  /* Shift_R */
    { 0xffe3, 29 },  /* Control_L */   { 0xffe4, 97 },  /* Control_R */
    { 0xffe5, 58 },  /* Caps_Lock */   { 0xffe7, 125 }, /* Meta_L */
    { 0xffe8, 126 }, /* Meta_R */      { 0xffe9, 56 },  /* Alt_L */
    { 0xffea, 100 }, /* Alt_R */       { 0xffeb, 125 }, /* Super_L */
    { 0xffec, 126 }, /* Super_R */     { 0xfe03, 100 }, /* ISO_Level3_Shift (AltGr) */
    { 0xffff, 111 }, /* Delete */
};

int keysym_to_keycode(uint32_t keysym)
{
    if (keysym >= 0x20 && keysym <= 0x7e)
        return ascii_keys[keysym - 0x20];
    for (size_t i = 0; i < sizeof(special_keys) / sizeof(special_keys[0]); i++)
        if (special_keys[i].keysym == keysym)
            return special_keys[i].code;
    return -1;
}
