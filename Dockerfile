# One image for the gateway and the worker (the command picks which). Node 20, dependencies from the lockfile.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# In a container the loopback default (outside production) would make the gateway unreachable.
ENV HOST=0.0.0.0
COPY package.json package-lock.json ./
# The `oof` command's own package (a file: dependency) and the prepare hook, which skips without devDependencies.
COPY bin ./bin
COPY scripts/build-cli.js ./scripts/
RUN npm ci --no-audit --no-fund
COPY . .
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "gateway/main.ts"]
