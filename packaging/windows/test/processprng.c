/* Test harness only, never shipped: Debian's wine 8 has no bcryptprimitives.dll, whose
 * ProcessPrng the Rust standard library (>= 1.78) imports for random numbers. This stub
 * exports it on top of RtlGenRandom (advapi32!SystemFunction036). Windows 10+ has the
 * real DLL. Built and copied into the wine prefix by scripts/test-windows.sh. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
