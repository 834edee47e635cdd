/* EventSelect Winsock compatibility: <winsock.h> is <winsock2.h> here. */
#include "winsock2.h"
