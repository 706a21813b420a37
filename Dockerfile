# A small image holding chanctl only: a static musl binary, the CA certificates it needs to
# reach CAMS over HTTPS, and an unprivileged user. Build: `docker build -t chanctl .`
# Run: `docker run --rm -v "$PWD:/work" chanctl plan` (the working directory is /work).
#
# Pin the base images by digest in a release pipeline; the tags keep this file readable.

FROM rust:1.89-alpine AS build
# musl-dev for the static C runtime; cmake, perl and clang build aws-lc (rustls' crypto).
RUN apk add --no-cache musl-dev build-base cmake perl clang ca-certificates
WORKDIR /src
COPY . .
# Only the chanctl binary: the emulator is a dev-dependency and is not built.
RUN cargo build --release --locked --package chanctl --bin chanctl \
 && mkdir -p /out/etc/ssl/certs \
 && cp target/release/chanctl /out/chanctl \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && echo 'chanctl:x:65532:65532:chanctl:/work:/sbin/nologin' > /out/etc/passwd \
 && echo 'chanctl:x:65532:' > /out/etc/group \
 && ldd /out/chanctl 2>&1 | grep -q 'not a dynamic executable\|statically linked' \
    || { echo 'chanctl is not statically linked'; exit 1; }

FROM scratch
COPY --from=build /out/ /
# /work is where the channels file is mounted; HOME there too (aliyun CLI profiles, locks).
WORKDIR /work
ENV HOME=/work NO_COLOR=1
USER 65532:65532
ENTRYPOINT ["/chanctl"]
CMD ["--help"]
