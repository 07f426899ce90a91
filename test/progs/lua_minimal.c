/* The smallest Lua host: no mmap calls of its own, so only libluajit.a needs the wrappers. The
 * link-order test links it with the runtime archive before -lluajit (dropped) and with ljmm.o. */
#include <lauxlib.h>
#include <lualib.h>

int main(void) {
  lua_State *L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);
  int status = luaL_dostring(L, "local t = {} for i = 1, 1000 do t[i] = tostring(i) end");
  lua_close(L);
  return status;
}
