#ifndef TESSERA_CPCRE2_SHIM_H
#define TESSERA_CPCRE2_SHIM_H
// CEL's `matches` uses the 8-bit (UTF-8) code unit width of PCRE2.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
