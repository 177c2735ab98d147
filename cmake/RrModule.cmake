# rr_add_module(NAME SOURCES a.cpp b.cpp DEPS rr_common Boost::system)
#   Creates the static library rr_<NAME>. Its public include root is src/, so code includes
#   "module/header.h". DEPS are PUBLIC: a module may only depend on modules below it in the
#   layering of docs/architecture.md.
#
# rr_add_test(NAME SOURCES x_test.cpp DEPS rr_x [LABELS unit])
#   Creates a GoogleTest executable and registers each test with ctest.

set(RR_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(RR_WERROR)
    list(APPEND RR_WARNINGS -Werror)
endif()

# clang 14 cannot emit UBSan's `function` check for coroutine frames split into their own
# sections ("error: Cannot represent a difference across sections", llvm-project#49689, fixed
# in clang 16), and every Asio coroutine hits it. The check (calls through a function pointer of
# the wrong type) is left out under clang; g++ has no such check.
set(RR_CLANG_NO_FUNCTION_SANITIZER $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)

if(RR_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
        ${RR_CLANG_NO_FUNCTION_SANITIZER})
    add_link_options(-fsanitize=address,undefined)
endif()

function(rr_target_defaults target)
    target_compile_options(${target} PRIVATE ${RR_WARNINGS})
    # Coroutines need this switch on g++ 12 for Asio's awaitable support.
    target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fcoroutines>)
    target_compile_definitions(${target} PUBLIC BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
    # Asio 1.74 enables co_await under clang only when <experimental/coroutine> exists (libc++
    # of old); with libstdc++ 12, clang 14 has the C++20 <coroutine> that g++ uses, and Asio
    # already picks BOOST_ASIO_HAS_STD_COROUTINE for it (clang defines __GNUC__). Say so.
    target_compile_definitions(${target} PUBLIC $<$<CXX_COMPILER_ID:Clang>:BOOST_ASIO_HAS_CO_AWAIT=1>)
endfunction()

function(rr_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(rr_${name} STATIC ${ARG_SOURCES})
    target_include_directories(rr_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(rr_${name} PUBLIC ${ARG_DEPS})
    rr_target_defaults(rr_${name})
endfunction()

function(rr_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name} PRIVATE
        RR_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        RR_BINARY_DIR="${PROJECT_BINARY_DIR}")
    rr_target_defaults(${name})
    if(NOT ARG_LABELS)
        set(ARG_LABELS unit)
    endif()
    gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
