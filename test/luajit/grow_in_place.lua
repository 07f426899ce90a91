-- Several tables and string buffers grow side by side, then every value is checked.
-- LuaJIT without GC64 grows large blocks with mremap in place (no MREMAP_MAYMOVE): with blocks
-- placed next to each other, a runtime that grows one into its neighbour destroys the neighbour.
-- Prints "ok <bytes>" and exits 0, or raises an error naming the first wrong value.
local n = tonumber(arg and arg[1]) or 200000
local tables, buffers = {}, {}
for k = 1, 4 do tables[k], buffers[k] = {}, {} end

for i = 1, n do
  for k = 1, 4 do tables[k][i] = i * k + 0.5 end
  if i % 64 == 0 then
    for k = 1, 4 do buffers[k][#buffers[k] + 1] = string.format("%d:%d;", k, i) end
  end
  if i % 20000 == 0 then
    -- Strings built from the growing buffers: their own large blocks between the tables'.
    for k = 1, 4 do buffers[k].joined = table.concat(buffers[k]) end
  end
end

for k = 1, 4 do
  local t = tables[k]
  for i = 1, n do
    if t[i] ~= i * k + 0.5 then error(string.format("table %d index %d holds %s", k, i, tostring(t[i]))) end
  end
  local expected = {}
  for i = 64, n, 64 do expected[#expected + 1] = string.format("%d:%d;", k, i) end
  if table.concat(buffers[k]) ~= table.concat(expected) then error("string buffer " .. k .. " changed") end
end
io.write(string.format("ok %d\n", collectgarbage("count") * 1024))
