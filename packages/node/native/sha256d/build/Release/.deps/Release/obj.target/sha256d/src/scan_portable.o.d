cmd_Release/obj.target/sha256d/src/scan_portable.o := cc -o Release/obj.target/sha256d/src/scan_portable.o ../src/scan_portable.c '-DNODE_GYP_MODULE_NAME=sha256d' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DSHA256D_HAVE_SHANI' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -O3 -m64 -O3 -fno-omit-frame-pointer -std=c11 -MMD -MF ./Release/.deps/Release/obj.target/sha256d/src/scan_portable.o.d.raw   -c
Release/obj.target/sha256d/src/scan_portable.o: ../src/scan_portable.c \
 ../src/sha256d.h
../src/scan_portable.c:
../src/sha256d.h:
