# Build from the repository root: docker build -f deploy/silo.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY grains/Actors.Grains/Actors.Grains.csproj grains/Actors.Grains/
COPY silo/Actors.Silo/Actors.Silo.csproj silo/Actors.Silo/
RUN dotnet restore silo/Actors.Silo/Actors.Silo.csproj
COPY grains/ grains/
COPY silo/ silo/
COPY deploy/sql/ deploy/sql/
RUN dotnet publish silo/Actors.Silo/Actors.Silo.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 11111 30000 9464
# "migrate" as the command applies the schema and exits.
ENTRYPOINT ["dotnet", "Actors.Silo.dll"]
