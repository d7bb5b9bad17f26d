#ifndef QUANTSCOPE_CNCURSES_SHIM_H
#define QUANTSCOPE_CNCURSES_SHIM_H

// Wide-character ncurses. The define must come before the include so that
// cchar_t, setcchar and the *_wch functions are declared.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <ncursesw/ncurses.h>

// ncurses' globals are mutable C state that Swift 6 cannot prove safe to
// touch, so Swift reads them only through these functions.
static inline WINDOW *qs_stdscr(void) { return stdscr; }
static inline int qs_lines(void) { return LINES; }
static inline int qs_cols(void) { return COLS; }
static inline int qs_colors(void) { return COLORS; }
static inline int qs_color_pairs(void) { return COLOR_PAIRS; }

// Terminal set-up that needs C's stdio globals or the locale database.
static inline SCREEN *qs_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int qs_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

// The number of columns a character occupies (POSIX wcwidth). The C library
// module is built without _XOPEN_SOURCE, which hides glibc's declaration.
int wcwidth(wchar_t character);
static inline int qs_wcwidth(wchar_t character) { return wcwidth(character); }

// Attribute and colour-pair macros expand to expressions Swift cannot import.
static inline attr_t qs_attr_normal(void) { return A_NORMAL; }
static inline attr_t qs_attr_bold(void) { return A_BOLD; }
static inline attr_t qs_attr_dim(void) { return A_DIM; }
static inline attr_t qs_attr_reverse(void) { return A_REVERSE; }
static inline attr_t qs_attr_underline(void) { return A_UNDERLINE; }

// Function key n is KEY_F0 + n.
static inline int qs_key_f0(void) { return KEY_F0; }

// Mouse presses of buttons 1-3 and the wheel (buttons 4 and 5).
static inline mmask_t qs_mouse_press_mask(void) {
    return BUTTON1_PRESSED | BUTTON2_PRESSED | BUTTON3_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED
         | BUTTON1_CLICKED | BUTTON2_CLICKED | BUTTON3_CLICKED;
}

// The button of a mouse event: 1 left, 2 middle, 3 right, 4 wheel up,
// 5 wheel down, 0 for anything else (releases, motion).
static inline int qs_mouse_button(mmask_t state) {
    if (state & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (state & (BUTTON2_PRESSED | BUTTON2_CLICKED)) return 2;
    if (state & (BUTTON3_PRESSED | BUTTON3_CLICKED)) return 3;
    if (state & BUTTON4_PRESSED) return 4;
#if NCURSES_MOUSE_VERSION > 1
    if (state & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

#endif
