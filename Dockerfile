# Builds one meshlab service: docker build --build-arg SERVICE=gateway .
# The image holds common and that one workspace with their production dependencies, nothing else:
# no config (compose mounts config/ read-only at /app/config) and no port (PORT comes from the env).
# NODE_IMAGE may point at a local stand-in on machines without registry access (see README).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
# Every workspace's manifest, or npm ci finds the lockfile out of sync with the workspaces it lists.
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY registry/package.json registry/
COPY gateway/package.json gateway/
COPY service-a/package.json service-a/
COPY service-b/package.json service-b/
COPY shop/package.json shop/
COPY controller/package.json controller/
COPY lab/package.json lab/
COPY tests/package.json tests/
COPY bench/package.json bench/

FROM manifests AS build
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY common common
COPY registry registry
COPY gateway gateway
COPY service-a service-a
COPY service-b service-b
COPY shop shop
COPY controller controller
# Tests and test-only helpers are compiled with the rest (to be type-checked) but never shipped.
RUN npx tsc -b common registry gateway service-a service-b shop controller \
 && find . -path ./node_modules -prune -o -path '*/dist/*' \
      \( -name '*.test.*' -o -name 'test-support.*' -o -name 'test-fakes.*' \) -print | xargs rm -f \
 && rm -rf */dist/testing

# Only common's and the service's own production dependencies: not the other services', not the
# tests' (testcontainers, dockerode), not the root's dev tools. `npm ci --omit=dev --workspace=X` is
# not enough: it still follows X's devDependencies on other workspaces (the shop's tests import the
# gateway) and keeps whatever another workspace needs in production (undici in the registry). So the
# manifests name only common and SERVICE, without devDependencies, and npm prunes the locked tree to
# theirs (no new resolution: every remaining package keeps its locked version). npm ls fails on a
# missing or an extraneous package.
FROM manifests AS prod-deps
ARG SERVICE
RUN test -n "${SERVICE}" && test -f "${SERVICE}/package.json" \
 && npm pkg delete devDependencies --workspace=common --workspace="${SERVICE}" \
 && npm pkg delete devDependencies scripts workspaces \
 && npm pkg set "workspaces[0]=common" "workspaces[1]=${SERVICE}" \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm ls --omit=dev --all > /dev/null \
 && if [ "${SERVICE}" != controller ] && [ -e node_modules/dockerode ]; then echo "dockerode in ${SERVICE}" >&2; exit 1; fi \
 && if [ -e node_modules/testcontainers ]; then echo "testcontainers in ${SERVICE}" >&2; exit 1; fi \
 && mkdir -p common/node_modules "${SERVICE}/node_modules"

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
WORKDIR /app
ENV NODE_ENV=production MESHLAB_SERVICE=${SERVICE} PORT_FILE=/tmp/meshlab.port
COPY --from=prod-deps /app/package.json /app/package-lock.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=prod-deps /app/common/package.json common/
# A version that conflicts with the hoisted one stays nested under its workspace (p-limit 7 in the registry).
COPY --from=prod-deps /app/common/node_modules common/node_modules
COPY --from=build /app/common/dist common/dist
COPY --from=prod-deps /app/${SERVICE}/package.json ${SERVICE}/
COPY --from=prod-deps /app/${SERVICE}/node_modules ${SERVICE}/node_modules
COPY --from=build /app/${SERVICE}/dist ${SERVICE}/dist
RUN test -f "${SERVICE}/dist/main.js" && ln -s "${SERVICE}/dist/main.js" main.js
USER node
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "common/dist/healthcheck.js"]
CMD ["node", "main.js"]
