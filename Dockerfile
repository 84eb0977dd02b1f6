# syntax=docker/dockerfile:1
# The gateway's image: built from source with Maven, run on a Java 17 JRE as a non-root user.
#   docker build -t edge-gateway:0.1.0 .
# The Kubernetes manifests (k8s/) run this image's ENTRYPOINT with /app as the working directory and
# mount conf/config.yaml over /app/conf; .ci/check-deploy keeps the two in agreement.

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
# Dependencies first, in a layer of their own, so that a change to the sources does not fetch them again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipE2e dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -DskipE2e package

FROM eclipse-temurin:17.0.15_6-jre-noble
RUN groupadd --system --gid 10001 edge \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin edge
WORKDIR /app
COPY --from=build /src/target/edge-gateway.jar /app/edge-gateway.jar
# The defaults; Kubernetes mounts its ConfigMap over this directory.
COPY conf/config.yaml /app/conf/config.yaml
# Heap sized from the container's memory limit (half of it; the manifests set the same value).
ENV JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# 8080: the storefront API; 9090: /health/live, /health/ready, /metrics (set EDGE_OPS_HOST=0.0.0.0 to reach it).
EXPOSE 8080 9090
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/edge-gateway.jar"]
