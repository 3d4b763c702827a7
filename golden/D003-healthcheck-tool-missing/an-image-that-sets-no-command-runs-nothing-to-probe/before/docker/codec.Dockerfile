FROM gcc:14 AS builder
WORKDIR /src
COPY native/codec.c .
RUN gcc -shared -fPIC -o /src/libcodec.so codec.c

FROM ubuntu:24.04
COPY --from=builder /src/libcodec.so /usr/lib/
