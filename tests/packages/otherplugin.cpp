// SPDX-License-Identifier: MIT
#include "otherplugin.h"
