# Build from the repository root: docker build -f deploy/entrypoint.Dockerfile .
# The proxy in front of the API nodes: the same host ./start.sh --apis N runs locally.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY deploy/Actors.EntryPoint/Actors.EntryPoint.csproj deploy/Actors.EntryPoint/
RUN dotnet restore deploy/Actors.EntryPoint/Actors.EntryPoint.csproj
COPY deploy/Actors.EntryPoint/ deploy/Actors.EntryPoint/
RUN dotnet publish deploy/Actors.EntryPoint/Actors.EntryPoint.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "Actors.EntryPoint.dll"]
