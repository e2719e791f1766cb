/* Calendar arithmetic on the proleptic Gregorian calendar, for the date
 * readers of the media and archive layers.
 * Owns: the day count. Must not: know about time zones (callers add offsets). */
#ifndef TFS_UTIL_CIVIL_H
#define TFS_UTIL_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of year y, month m (1-12), day d (Howard Hinnant's
 * well-known algorithm; negative before 1970). */
int64_t civil_days_from_date(int64_t y, int m, int d);

#endif
