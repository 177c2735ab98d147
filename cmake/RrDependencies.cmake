# Every third-party dependency comes from a Debian 12 package (scripts/bootstrap.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(ZLIB REQUIRED)
# brotli and zstd encoders for the gzip middleware (libbrotli-dev, libzstd-dev).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RR_BROTLIENC REQUIRED IMPORTED_TARGET GLOBAL libbrotlienc)
pkg_check_modules(RR_ZSTD REQUIRED IMPORTED_TARGET GLOBAL libzstd)
# libdeflate (libdeflate-dev): whole-body gzip, faster than zlib at the same level.
pkg_check_modules(RR_DEFLATE REQUIRED IMPORTED_TARGET GLOBAL libdeflate)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2>=1.52)  # target PkgConfig::NGHTTP2
if(RR_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(RR_BUILD_BENCH)
    find_package(benchmark REQUIRED)
endif()
