@echo off
rem p2p-tunnel.cmd: runs p2p-tunnel.jar (next to this file) with a class archive of its own runs (AppCDS), which makes
rem every start after the first cheaper (docs/PERFORMANCE.md, "Start, step by step"). Same arguments as
rem "java -jar p2p-tunnel.jar", e.g.:  p2p-tunnel.cmd host --port 25565
rem One archive per command (host, client, signal, try), per jar and per JVM, in %LOCALAPPDATA%\p2p-tunnel\cds
rem (P2P_TUNNEL_CDS=DIR elsewhere, P2P_TUNNEL_CDS=off for none). The first run of a command writes it when the JVM
rem exits and keeps it only if that run ended with exit code 0; later runs read it. A JVM that cannot use an archive
rem starts without it. Java from JAVA_HOME, else the java on the PATH.
setlocal EnableExtensions DisableDelayedExpansion
set "JAR=%~dp0p2p-tunnel.jar"
if not exist "%JAR%" (echo p2p-tunnel: %JAR% missing ^(keep this file next to the jar^) 1>&2 & exit /b 1)
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
set "CMD=%~1"
if /i not "%CMD%"=="host" if /i not "%CMD%"=="client" if /i not "%CMD%"=="signal" if /i not "%CMD%"=="try" goto plain
for %%a in (%*) do (
  if /i "%%~a"=="-h" goto plain
  if /i "%%~a"=="--help" goto plain
  if /i "%%~a"=="-V" goto plain
  if /i "%%~a"=="--version" goto plain
)
set "DIR=%P2P_TUNNEL_CDS%"
if not defined DIR set "DIR=%LOCALAPPDATA%\p2p-tunnel\cds"
if /i "%DIR%"=="off" goto plain
rem The name holds the jar's size and time and the JVM's (JAVA_HOME's runtime image, when set).
for %%j in ("%JAR%") do set "KEY=%%~zj-%%~tj"
if defined JAVA_HOME for %%m in ("%JAVA_HOME%\lib\modules") do set "KEY=%KEY%-%%~zm-%%~tm"
set "KEY=%KEY:/=%"
set "KEY=%KEY::=%"
set "KEY=%KEY: =%"
set "KEY=%KEY:.=%"
set "ARCHIVE=%DIR%\%CMD%-%KEY%.jsa"
if exist "%ARCHIVE%" (
  "%JAVA%" -XX:SharedArchiveFile="%ARCHIVE%" -Xlog:cds*=off -jar "%JAR%" %*
  exit /b %ERRORLEVEL%
)
if not exist "%DIR%" mkdir "%DIR%" 2>nul
if not exist "%DIR%" goto plain
set "PART=%DIR%\%CMD%-%KEY%.part"
"%JAVA%" -XX:ArchiveClassesAtExit="%PART%" -Xlog:cds*=off -jar "%JAR%" %*
set "STATUS=%ERRORLEVEL%"
if "%STATUS%"=="0" (if exist "%PART%" move /y "%PART%" "%ARCHIVE%" >nul) else (del /q "%PART%" 2>nul)
exit /b %STATUS%
:plain
"%JAVA%" -jar "%JAR%" %*
exit /b %ERRORLEVEL%
