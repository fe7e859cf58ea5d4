// libpq for Swift. libpq has no variadic calls that Bizflow needs, so this only includes the header.
#ifndef BIZFLOW_CLIBPQ_SHIM_H
#define BIZFLOW_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
