/*
 * EventSelect Winsock compatibility: the part of <windows.h> a Winsock event loop uses (event
 * objects and waits, message-only windows and their message queue, a few process helpers), with
 * Windows' names, types, values and layouts. Implemented by libEventSelectWinsock; see
 * docs/WINSOCK.md for the supported calls and every difference from Windows.
 */
#ifndef EVENTSELECT_COMPAT_WINDOWS_H
#define EVENTSELECT_COMPAT_WINDOWS_H

#include "eventselect_windef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- kernel32: waits and event objects ---- */
#define INFINITE 0xFFFFFFFF
#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED 0x00000080L
#define WAIT_ABANDONED_0 0x00000080L
#define WAIT_IO_COMPLETION 0x000000C0L
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define MAXIMUM_WAIT_OBJECTS 64
#define STATUS_WAIT_0 ((DWORD)0x00000000L)

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCSTR lpName) EVENTSELECT_WS(CreateEventA);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName) EVENTSELECT_WS(CreateEventW);
BOOL WINAPI SetEvent(HANDLE hEvent) EVENTSELECT_WS(SetEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent) EVENTSELECT_WS(ResetEvent);
BOOL WINAPI CloseHandle(HANDLE hObject) EVENTSELECT_WS(CloseHandle);
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) EVENTSELECT_WS(WaitForSingleObject);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds)
    EVENTSELECT_WS(WaitForMultipleObjects);

typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;
#define STILL_ACTIVE 259
#define CREATE_SUSPENDED 0x00000004
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
                           LPDWORD lpThreadId) EVENTSELECT_WS(CreateThread);
__attribute__((noreturn)) void WINAPI ExitThread(DWORD dwExitCode) EVENTSELECT_WS(ExitThread);
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) EVENTSELECT_WS(GetExitCodeThread);

DWORD WINAPI GetLastError(void) EVENTSELECT_WS(GetLastError);
void WINAPI SetLastError(DWORD dwErrCode) EVENTSELECT_WS(SetLastError);
void WINAPI Sleep(DWORD dwMilliseconds) EVENTSELECT_WS(Sleep);
DWORD WINAPI GetTickCount(void) EVENTSELECT_WS(GetTickCount);
ULONGLONG WINAPI GetTickCount64(void) EVENTSELECT_WS(GetTickCount64);
DWORD WINAPI GetCurrentProcessId(void) EVENTSELECT_WS(GetCurrentProcessId);
DWORD WINAPI GetCurrentThreadId(void) EVENTSELECT_WS(GetCurrentThreadId);
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) EVENTSELECT_WS(GetModuleHandleA);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName) EVENTSELECT_WS(GetModuleHandleW);

/* ---- user32: message-only windows and the thread's message queue ---- */
typedef LRESULT(CALLBACK *WNDPROC)(HWND, UINT, WPARAM, LPARAM);

typedef struct tagMSG {
    HWND hwnd;
    UINT message;
    WPARAM wParam;
    LPARAM lParam;
    DWORD time;
    POINT pt;
} MSG, *PMSG, *NPMSG, *LPMSG;

typedef struct tagWNDCLASSA {
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCSTR lpszMenuName;
    LPCSTR lpszClassName;
} WNDCLASSA, *PWNDCLASSA, *LPWNDCLASSA;

typedef struct tagWNDCLASSW {
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCWSTR lpszMenuName;
    LPCWSTR lpszClassName;
} WNDCLASSW, *PWNDCLASSW, *LPWNDCLASSW;

typedef struct tagWNDCLASSEXA {
    UINT cbSize;
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCSTR lpszMenuName;
    LPCSTR lpszClassName;
    HICON hIconSm;
} WNDCLASSEXA, *PWNDCLASSEXA, *LPWNDCLASSEXA;

typedef struct tagWNDCLASSEXW {
    UINT cbSize;
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCWSTR lpszMenuName;
    LPCWSTR lpszClassName;
    HICON hIconSm;
} WNDCLASSEXW, *PWNDCLASSEXW, *LPWNDCLASSEXW;

typedef struct tagCREATESTRUCTA {
    LPVOID lpCreateParams;
    HINSTANCE hInstance;
    HMENU hMenu;
    HWND hwndParent;
    int cy;
    int cx;
    int y;
    int x;
    LONG style;
    LPCSTR lpszName;
    LPCSTR lpszClass;
    DWORD dwExStyle;
} CREATESTRUCTA, *LPCREATESTRUCTA;

typedef struct tagCREATESTRUCTW {
    LPVOID lpCreateParams;
    HINSTANCE hInstance;
    HMENU hMenu;
    HWND hwndParent;
    int cy;
    int cx;
    int y;
    int x;
    LONG style;
    LPCWSTR lpszName;
    LPCWSTR lpszClass;
    DWORD dwExStyle;
} CREATESTRUCTW, *LPCREATESTRUCTW;

#define MAKEINTATOM(i) ((LPTSTR)((ULONG_PTR)((WORD)(i))))
#define HWND_MESSAGE ((HWND)-3)
#define HWND_BROADCAST ((HWND)0xffff)
#define CW_USEDEFAULT ((int)0x80000000)

#define WS_OVERLAPPED 0x00000000L
#define WS_POPUP 0x80000000L
#define WS_CHILD 0x40000000L
#define WS_VISIBLE 0x10000000L
#define WS_CAPTION 0x00C00000L
#define WS_SYSMENU 0x00080000L
#define WS_THICKFRAME 0x00040000L
#define WS_MINIMIZEBOX 0x00020000L
#define WS_MAXIMIZEBOX 0x00010000L
#define WS_OVERLAPPEDWINDOW (WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_THICKFRAME | WS_MINIMIZEBOX | WS_MAXIMIZEBOX)

#define GWLP_WNDPROC (-4)
#define GWLP_HINSTANCE (-6)
#define GWLP_HWNDPARENT (-8)
#define GWLP_ID (-12)
#define GWLP_USERDATA (-21)

#define WM_NULL 0x0000
#define WM_CREATE 0x0001
#define WM_DESTROY 0x0002
#define WM_CLOSE 0x0010
#define WM_QUIT 0x0012
#define WM_TIMER 0x0113
#define WM_NCCREATE 0x0081
#define WM_NCDESTROY 0x0082
#define WM_USER 0x0400
#define WM_APP 0x8000

#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define PM_NOYIELD 0x0002

#define QS_KEY 0x0001
#define QS_MOUSEMOVE 0x0002
#define QS_MOUSEBUTTON 0x0004
#define QS_POSTMESSAGE 0x0008
#define QS_TIMER 0x0010
#define QS_PAINT 0x0020
#define QS_SENDMESSAGE 0x0040
#define QS_HOTKEY 0x0080
#define QS_ALLPOSTMESSAGE 0x0100
#define QS_RAWINPUT 0x0400
#define QS_TOUCH 0x0800
#define QS_POINTER 0x1000
#define QS_MOUSE (QS_MOUSEMOVE | QS_MOUSEBUTTON)
#define QS_INPUT (QS_MOUSE | QS_KEY | QS_RAWINPUT | QS_TOUCH | QS_POINTER)
#define QS_ALLEVENTS (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY)
#define QS_ALLINPUT (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY | QS_SENDMESSAGE)

#define MWMO_WAITALL 0x0001
#define MWMO_ALERTABLE 0x0002
#define MWMO_INPUTAVAILABLE 0x0004

ATOM WINAPI RegisterClassA(const WNDCLASSA *lpWndClass) EVENTSELECT_WS(RegisterClassA);
ATOM WINAPI RegisterClassW(const WNDCLASSW *lpWndClass) EVENTSELECT_WS(RegisterClassW);
ATOM WINAPI RegisterClassExA(const WNDCLASSEXA *lpwcx) EVENTSELECT_WS(RegisterClassExA);
ATOM WINAPI RegisterClassExW(const WNDCLASSEXW *lpwcx) EVENTSELECT_WS(RegisterClassExW);
BOOL WINAPI UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance) EVENTSELECT_WS(UnregisterClassA);
BOOL WINAPI UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance) EVENTSELECT_WS(UnregisterClassW);
HWND WINAPI CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName, DWORD dwStyle, int X, int Y,
                            int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                            LPVOID lpParam) EVENTSELECT_WS(CreateWindowExA);
HWND WINAPI CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName, DWORD dwStyle, int X,
                            int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                            LPVOID lpParam) EVENTSELECT_WS(CreateWindowExW);
#define CreateWindowA(a, b, c, d, e, f, g, h, i, j, k) CreateWindowExA(0L, a, b, c, d, e, f, g, h, i, j, k)
#define CreateWindowW(a, b, c, d, e, f, g, h, i, j, k) CreateWindowExW(0L, a, b, c, d, e, f, g, h, i, j, k)
BOOL WINAPI DestroyWindow(HWND hWnd) EVENTSELECT_WS(DestroyWindow);
BOOL WINAPI IsWindow(HWND hWnd) EVENTSELECT_WS(IsWindow);
LRESULT WINAPI DefWindowProcA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(DefWindowProcA);
LRESULT WINAPI DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(DefWindowProcW);
LONG_PTR WINAPI SetWindowLongPtrA(HWND hWnd, int nIndex, LONG_PTR dwNewLong) EVENTSELECT_WS(SetWindowLongPtrA);
LONG_PTR WINAPI SetWindowLongPtrW(HWND hWnd, int nIndex, LONG_PTR dwNewLong) EVENTSELECT_WS(SetWindowLongPtrA);
LONG_PTR WINAPI GetWindowLongPtrA(HWND hWnd, int nIndex) EVENTSELECT_WS(GetWindowLongPtrA);
LONG_PTR WINAPI GetWindowLongPtrW(HWND hWnd, int nIndex) EVENTSELECT_WS(GetWindowLongPtrA);
BOOL WINAPI GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) EVENTSELECT_WS(GetMessageA);
BOOL WINAPI GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) EVENTSELECT_WS(GetMessageA);
BOOL WINAPI PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
    EVENTSELECT_WS(PeekMessageA);
BOOL WINAPI PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
    EVENTSELECT_WS(PeekMessageA);
BOOL WINAPI TranslateMessage(const MSG *lpMsg) EVENTSELECT_WS(TranslateMessage);
LRESULT WINAPI DispatchMessageA(const MSG *lpMsg) EVENTSELECT_WS(DispatchMessageA);
LRESULT WINAPI DispatchMessageW(const MSG *lpMsg) EVENTSELECT_WS(DispatchMessageA);
BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(PostMessageA);
BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(PostMessageA);
LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(SendMessageA);
LRESULT WINAPI SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(SendMessageA);
BOOL WINAPI PostThreadMessageA(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(PostThreadMessageA);
BOOL WINAPI PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) EVENTSELECT_WS(PostThreadMessageA);
void WINAPI PostQuitMessage(int nExitCode) EVENTSELECT_WS(PostQuitMessage);
typedef void(CALLBACK *TIMERPROC)(HWND, UINT, UINT_PTR, DWORD);
#define USER_TIMER_MINIMUM 0x0000000A
#define USER_TIMER_MAXIMUM 0x7FFFFFFF
UINT_PTR WINAPI SetTimer(HWND hWnd, UINT_PTR nIDEvent, UINT uElapse, TIMERPROC lpTimerFunc) EVENTSELECT_WS(SetTimer);
BOOL WINAPI KillTimer(HWND hWnd, UINT_PTR uIDEvent) EVENTSELECT_WS(KillTimer);
DWORD WINAPI MsgWaitForMultipleObjects(DWORD nCount, const HANDLE *pHandles, BOOL fWaitAll, DWORD dwMilliseconds,
                                       DWORD dwWakeMask) EVENTSELECT_WS(MsgWaitForMultipleObjects);
DWORD WINAPI MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles, DWORD dwMilliseconds,
                                         DWORD dwWakeMask, DWORD dwFlags) EVENTSELECT_WS(MsgWaitForMultipleObjectsEx);

/* The generic names, as <windows.h> maps them with and without UNICODE. */
#ifdef UNICODE
#define CreateEvent CreateEventW
#define GetModuleHandle GetModuleHandleW
#define WNDCLASS WNDCLASSW
#define WNDCLASSEX WNDCLASSEXW
#define CREATESTRUCT CREATESTRUCTW
#define RegisterClass RegisterClassW
#define RegisterClassEx RegisterClassExW
#define UnregisterClass UnregisterClassW
#define CreateWindowEx CreateWindowExW
#define CreateWindow CreateWindowW
#define DefWindowProc DefWindowProcW
#define SetWindowLongPtr SetWindowLongPtrW
#define GetWindowLongPtr GetWindowLongPtrW
#define GetMessage GetMessageW
#define PeekMessage PeekMessageW
#define DispatchMessage DispatchMessageW
#define PostMessage PostMessageW
#define PostThreadMessage PostThreadMessageW
#define SendMessage SendMessageW
#else
#define CreateEvent CreateEventA
#define GetModuleHandle GetModuleHandleA
#define WNDCLASS WNDCLASSA
#define WNDCLASSEX WNDCLASSEXA
#define CREATESTRUCT CREATESTRUCTA
#define RegisterClass RegisterClassA
#define RegisterClassEx RegisterClassExA
#define UnregisterClass UnregisterClassA
#define CreateWindowEx CreateWindowExA
#define CreateWindow CreateWindowA
#define DefWindowProc DefWindowProcA
#define SetWindowLongPtr SetWindowLongPtrA
#define GetWindowLongPtr GetWindowLongPtrA
#define GetMessage GetMessageA
#define PeekMessage PeekMessageA
#define DispatchMessage DispatchMessageA
#define PostMessage PostMessageA
#define PostThreadMessage PostThreadMessageA
#define SendMessage SendMessageA
#endif

#ifdef __cplusplus
}
#endif
#endif
