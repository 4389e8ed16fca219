// SPDX-License-Identifier: MIT
// A plain shared library (no Qt plugin metadata), as any .so a user may leave in a package
// directory.

extern "C" int durableTestNotAPackage();

extern "C" int durableTestNotAPackage()
{
    return 42;
}
