// Microsoft code spells it <Windows.h>.
#include "windows.h"
