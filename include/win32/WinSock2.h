// Microsoft code spells it <WinSock2.h>.
#include "winsock2.h"
