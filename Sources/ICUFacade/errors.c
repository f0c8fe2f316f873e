#include "ICUFacade.h"
#include <unicode/utypes.h>
#include <unicode/uversion.h>
#include <stdio.h>

const char *hashi_icu_error_name(int32_t error) {
    return u_errorName((UErrorCode)error);
}

const char *hashi_icu_version(void) {
    static char text[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo info;
    u_getVersion(info);
    u_versionToString(info, text);
    return text;
}
