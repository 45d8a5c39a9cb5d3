# Build from the repository root: docker build -f deploy/api.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY grains/Actors.Grains/Actors.Grains.csproj grains/Actors.Grains/
COPY api/Actors.Api/Actors.Api.csproj api/Actors.Api/
RUN dotnet restore api/Actors.Api/Actors.Api.csproj
COPY grains/ grains/
COPY api/ api/
RUN dotnet publish api/Actors.Api/Actors.Api.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "Actors.Api.dll"]
