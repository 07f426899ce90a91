#include "decompress.hpp"

#include <fmt/format.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zstd.h>

#include <memory>

#include "shared_library.hpp"

namespace ljmm::cli {

namespace {

#define LJMM_ZSTD_FUNCTIONS(X) X(ZSTD_createDStream) X(ZSTD_freeDStream) X(ZSTD_decompressStream) X(ZSTD_isError) \
  X(ZSTD_getErrorName)
#define LJMM_XZ_FUNCTIONS(X) X(lzma_stream_decoder) X(lzma_code) X(lzma_end)
#define LJMM_LZ4_FUNCTIONS(X) X(LZ4F_createDecompressionContext) X(LZ4F_freeDecompressionContext) X(LZ4F_decompress) \
  X(LZ4F_isError) X(LZ4F_getErrorName)

struct Zstd {
  SharedLibrary library;
  LJMM_ZSTD_FUNCTIONS(LJMM_LIBRARY_MEMBER)
};
struct Xz {
  SharedLibrary library;
  LJMM_XZ_FUNCTIONS(LJMM_LIBRARY_MEMBER)
};
struct Lz4 {
  SharedLibrary library;
  LJMM_LZ4_FUNCTIONS(LJMM_LIBRARY_MEMBER)
};

constexpr size_t chunk = 1 << 20;

// The first bytes of each format's frame.
constexpr std::string_view zstd_magic("\x28\xb5\x2f\xfd", 4);
constexpr std::string_view xz_magic("\xfd" "7zXZ\0", 6);
constexpr std::string_view lz4_magic("\x04\x22\x4d\x18", 4);

Error damaged(const std::string& origin, std::string_view format, std::string_view why) {
  return make_error(Errc::malformed, fmt::format("{}: {} data damaged: {}", origin, format, why));
}

Result<std::string> inflate_zstd(std::string_view in, const std::string& origin) {
  auto opened = open_table<Zstd>("libzstd.so.1", "libzstd1", "a zstd-compressed core",
                                 [](Zstd& table) { LJMM_ZSTD_FUNCTIONS(LJMM_LIBRARY_FIND) });
  if (!opened) return with_context(opened.error(), origin);
  const Zstd& zstd = *opened;
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(zstd.ZSTD_createDStream(), zstd.ZSTD_freeDStream);
  std::string out;
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t last = 0;
  for (;;) {
    size_t used = out.size();
    out.resize(used + chunk);
    ZSTD_outBuffer output{out.data() + used, chunk, 0};
    last = zstd.ZSTD_decompressStream(stream.get(), &output, &input);
    out.resize(used + output.pos);
    if (zstd.ZSTD_isError(last)) return damaged(origin, "zstd", zstd.ZSTD_getErrorName(last));
    // Done when every byte is read and the last frame is flushed; stuck when nothing moves.
    if (input.pos == input.size && (last == 0 || output.pos < chunk)) break;
  }
  if (last != 0) return damaged(origin, "zstd", "the stream ends early");
  return out;
}

Result<std::string> inflate_xz(std::string_view in, const std::string& origin) {
  auto opened = open_table<Xz>("liblzma.so.5", "liblzma5", "an xz-compressed core",
                               [](Xz& table) { LJMM_XZ_FUNCTIONS(LJMM_LIBRARY_FIND) });
  if (!opened) return with_context(opened.error(), origin);
  const Xz& xz = *opened;
  lzma_stream stream = LZMA_STREAM_INIT;
  if (xz.lzma_stream_decoder(&stream, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
    return make_error(Errc::io_error, fmt::format("{}: cannot start the xz decoder", origin));
  std::unique_ptr<lzma_stream, decltype(&lzma_end)> owner(&stream, xz.lzma_end);
  stream.next_in = reinterpret_cast<const uint8_t*>(in.data());
  stream.avail_in = in.size();
  std::string out;
  for (lzma_ret result = LZMA_OK; result != LZMA_STREAM_END;) {
    size_t used = out.size();
    out.resize(used + chunk);
    stream.next_out = reinterpret_cast<uint8_t*>(out.data() + used);
    stream.avail_out = chunk;
    result = xz.lzma_code(&stream, LZMA_FINISH);
    out.resize(used + chunk - stream.avail_out);
    if (result != LZMA_OK && result != LZMA_STREAM_END) return damaged(origin, "xz", fmt::format("error {}", +result));
  }
  return out;
}

Result<std::string> inflate_lz4(std::string_view in, const std::string& origin) {
  auto opened = open_table<Lz4>("liblz4.so.1", "liblz4-1", "an lz4-compressed core",
                                [](Lz4& table) { LJMM_LZ4_FUNCTIONS(LJMM_LIBRARY_FIND) });
  if (!opened) return with_context(opened.error(), origin);
  const Lz4& lz4 = *opened;
  LZ4F_dctx* context = nullptr;
  if (lz4.LZ4F_isError(lz4.LZ4F_createDecompressionContext(&context, LZ4F_VERSION)))
    return make_error(Errc::io_error, fmt::format("{}: cannot start the lz4 decoder", origin));
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> owner(context,
                                                                             lz4.LZ4F_freeDecompressionContext);
  std::string out;
  size_t at = 0, hint = 1;
  while (at < in.size() && hint != 0) {
    size_t used = out.size();
    out.resize(used + chunk);
    size_t produced = chunk, consumed = in.size() - at;
    hint = lz4.LZ4F_decompress(context, out.data() + used, &produced, in.data() + at, &consumed, nullptr);
    out.resize(used + produced);
    if (lz4.LZ4F_isError(hint)) return damaged(origin, "lz4", lz4.LZ4F_getErrorName(hint));
    at += consumed;
    if (consumed == 0 && produced == 0) break;
  }
  if (hint != 0) return damaged(origin, "lz4", "the stream ends early");
  return out;
}

}  // namespace

bool is_compressed(std::string_view data) {
  return data.starts_with(zstd_magic) || data.starts_with(xz_magic) || data.starts_with(lz4_magic);
}

Result<std::string> decompress(std::string data, const std::string& origin) {
  if (data.starts_with(zstd_magic)) return inflate_zstd(data, origin);
  if (data.starts_with(xz_magic)) return inflate_xz(data, origin);
  if (data.starts_with(lz4_magic)) return inflate_lz4(data, origin);
  return data;
}

}  // namespace ljmm::cli
