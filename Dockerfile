# Builds any one meshlab service: docker build --build-arg SERVICE=gateway --build-arg PORT=8080 .
# NODE_IMAGE may point at a local stand-in on machines without registry access (see README).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
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

FROM manifests AS prod-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT=8080
WORKDIR /app
ENV NODE_ENV=production PORT=${PORT} MESHLAB_SERVICE=${SERVICE}
COPY --from=prod-deps /app/package.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/common/package.json common/
COPY --from=build /app/common/dist common/dist
COPY --from=build /app/${SERVICE}/package.json ${SERVICE}/
COPY --from=build /app/${SERVICE}/dist ${SERVICE}/dist
COPY config config
RUN test -f "${SERVICE}/dist/main.js" && ln -s "${SERVICE}/dist/main.js" main.js
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "common/dist/healthcheck.js"]
CMD ["node", "main.js"]
