#ifndef QUANTSCOPE_CNCURSES_SHIM_H
#define QUANTSCOPE_CNCURSES_SHIM_H

// Wide-character ncurses. The define must come before the include so that
// cchar_t, setcchar and the *_wch functions are declared.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/ncurses.h>

// ncurses' globals are mutable C state that Swift 6 cannot prove safe to
// touch, so Swift reads them only through these functions.
static inline WINDOW *qs_stdscr(void) { return stdscr; }
static inline int qs_lines(void) { return LINES; }
static inline int qs_cols(void) { return COLS; }
static inline int qs_colors(void) { return COLORS; }
static inline int qs_color_pairs(void) { return COLOR_PAIRS; }

#endif
