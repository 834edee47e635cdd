/*
 * EventSelect Winsock compatibility: the Windows base types, as Win64 defines them, for the
 * headers in this folder (windows.h, winsock2.h, ws2tcpip.h). Included by them; not meant to be
 * included on its own.
 *
 * Types keep Windows' sizes where they describe a layout (DWORD, LONG and ULONG are 32 bits, as on
 * Win64), with one exception forced by glibc: `u_long` is glibc's (64-bit) typedef, because glibc's
 * <sys/types.h> defines it and a program may include <stdlib.h> first.
 */
#ifndef EVENTSELECT_COMPAT_WINDEF_H
#define EVENTSELECT_COMPAT_WINDEF_H

/*
 * FD_SETSIZE: Winsock's default is 64 and a program may define it larger before including
 * winsock2.h. glibc's <sys/select.h> (pulled in by <stdlib.h>) defines its own 1024, so a value set
 * before any system header is captured here, before glibc can replace it.
 */
#if defined(FD_SETSIZE) && !defined(EVENTSELECT_FD_SETSIZE) && !defined(__FD_SETSIZE)
enum { eventselect_user_fd_setsize = FD_SETSIZE };
#define EVENTSELECT_FD_SETSIZE eventselect_user_fd_setsize
#endif

/* System headers first, so that glibc's fd_set, select and u_long are declared before this folder
 * renames or reuses them (their include guards keep later inclusions from clashing). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/select.h>
#include <time.h>
#include <wchar.h>

#if defined(FD_SETSIZE) && !defined(EVENTSELECT_FD_SETSIZE) && FD_SETSIZE != __FD_SETSIZE
enum { eventselect_user_fd_setsize = FD_SETSIZE };
#define EVENTSELECT_FD_SETSIZE eventselect_user_fd_setsize
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Calling conventions: the native ABI. */
#ifndef WINAPI
#define WINAPI
#endif
#define WSAAPI
#define CALLBACK
#define APIENTRY
#define PASCAL
#define WINAPIV
#define FAR
#define NEAR
#ifndef CONST
#define CONST const
#endif
#define VOID void
#define IN
#define OUT
#define OPTIONAL

/* The private symbol behind each Winsock name: a program's call to recv() binds to
 * eventselect_ws_recv in libEventSelectWinsock, never interposing glibc's recv for the rest of the
 * process (the library itself, Swift's runtime, other libraries). */
#define EVENTSELECT_WS(name) __asm__("eventselect_ws_" #name)

typedef int BOOL;
typedef BOOL *PBOOL, *LPBOOL;
typedef unsigned char BYTE, UCHAR, *PBYTE, *LPBYTE, *PUCHAR;
typedef unsigned short WORD, USHORT, *PWORD, *LPWORD, *PUSHORT;
typedef short SHORT;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int LONG, *PLONG, *LPLONG;
typedef unsigned int ULONG, *PULONG;
typedef unsigned int DWORD, *PDWORD, *LPDWORD;
typedef long long LONGLONG, INT64;
typedef unsigned long long ULONGLONG, DWORD64, UINT64;
typedef intptr_t INT_PTR, LONG_PTR, SSIZE_T;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR, SIZE_T;
typedef char CHAR, *PCHAR, *LPCH, *PSTR, *LPSTR;
typedef const char *PCSTR, *LPCSTR;
typedef wchar_t WCHAR, *PWCHAR, *PWSTR, *LPWSTR;
typedef const wchar_t *PCWSTR, *LPCWSTR;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef WORD ATOM;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef ULONG_PTR KAFFINITY;

#ifdef UNICODE
typedef WCHAR TCHAR;
typedef LPWSTR LPTSTR;
typedef LPCWSTR LPCTSTR;
#define TEXT(quote) L##quote
#else
typedef char TCHAR;
typedef LPSTR LPTSTR;
typedef LPCSTR LPCTSTR;
#define TEXT(quote) quote
#endif
#define __TEXT(quote) TEXT(quote)

#define DECLARE_HANDLE(name) \
    struct name##__ {        \
        int unused;          \
    };                       \
    typedef struct name##__ *name
DECLARE_HANDLE(HWND);
DECLARE_HANDLE(HINSTANCE);
DECLARE_HANDLE(HICON);
DECLARE_HANDLE(HBRUSH);
DECLARE_HANDLE(HMENU);
typedef HICON HCURSOR;
typedef HINSTANCE HMODULE;

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

#define MAKEWORD(a, b) ((WORD)(((BYTE)(((DWORD_PTR)(a)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(b)) & 0xff))) << 8))
#define MAKELONG(a, b) ((LONG)(((WORD)(((DWORD_PTR)(a)) & 0xffff)) | ((DWORD)((WORD)(((DWORD_PTR)(b)) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))
#define MAKEWPARAM(l, h) ((WPARAM)(DWORD)MAKELONG(l, h))
#define MAKELPARAM(l, h) ((LPARAM)(DWORD)MAKELONG(l, h))
#define MAKELRESULT(l, h) ((LRESULT)(DWORD)MAKELONG(l, h))

typedef struct _GUID {
    unsigned int Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID, *LPGUID;

typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *LPPOINT;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* winerror.h: the codes GetLastError / WSAGetLastError return outside the WSAE* range. */
#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_OUTOFMEMORY 14L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_MOD_NOT_FOUND 126L
#define ERROR_ALREADY_EXISTS 183L
#define ERROR_OPERATION_ABORTED 995L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_IO_PENDING 997L
#define ERROR_INVALID_WINDOW_HANDLE 1400L
#define ERROR_CANNOT_FIND_WND_CLASS 1407L
#define ERROR_CLASS_ALREADY_EXISTS 1410L
#define ERROR_CLASS_DOES_NOT_EXIST 1411L
#define ERROR_CLASS_HAS_WINDOWS 1412L
#define ERROR_INVALID_THREAD_ID 1444L

#ifdef __cplusplus
}
#endif
#endif
