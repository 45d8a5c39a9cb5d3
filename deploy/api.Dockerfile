# Build from the repository root: docker build -f deploy/api.Dockerfile .

# The web app's one browser dependency, the SignalR client, from npm at the versions in package-lock.json.
FROM node:20-bookworm-slim AS web
WORKDIR /src
COPY api/Actors.Api/package.json api/Actors.Api/package-lock.json api/Actors.Api/
COPY deploy/web-client.sh deploy/
RUN bash deploy/web-client.sh

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY grains/Actors.Grains/Actors.Grains.csproj grains/Actors.Grains/
COPY api/Actors.Api/Actors.Api.csproj api/Actors.Api/
RUN dotnet restore api/Actors.Api/Actors.Api.csproj
COPY grains/ grains/
COPY api/ api/
COPY --from=web /src/api/Actors.Api/wwwroot/lib/ api/Actors.Api/wwwroot/lib/
# The client is in place already; the build's own npm step is skipped (this image has no npm).
RUN dotnet publish api/Actors.Api/Actors.Api.csproj -c Release --no-restore -p:SkipWebClientInstall=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080 9464
ENTRYPOINT ["dotnet", "Actors.Api.dll"]
