# The kstreams demo as an image (docker-compose.yml runs two of these beside Kafka).
#
#   docker build -t kstreams-demo .
#   docker run --rm -p 4000:4000 kstreams-demo                      # embedded Kafka, in the container
#   docker run --rm -e KAFKA_BOOTSTRAP_SERVERS=host:9092 kstreams-demo
#
# Development dependencies stay installed: the demo runs TypeScript through tsx, and the
# image is for trying kstreams out, not a minimal production base. A production image of a
# user's application runs the built CLI instead: `node dist/src/cli/main.js run dist/app.js`.
FROM node:20-slim

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build \
 && mkdir -p /var/lib/kstreams \
 && chown node:node /var/lib/kstreams

USER node
ENV KSTREAMS_STATE_DIR=/var/lib/kstreams
EXPOSE 4000
# What `npm start` runs, but with node as the process that gets the signals: npm does not pass
# SIGTERM on to its script (docker stop would kill the app after the grace period, uncommitted),
# and the tsx CLI would add a second process; `--import tsx` loads TypeScript in-process.
CMD ["node", "--import", "tsx", "scripts/start.ts"]
