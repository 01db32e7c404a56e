@echo off
rem Windows version of start-distributed.sh:
rem   start-distributed.bat --port 3002 --bootstrap http://localhost:3001 --miner 0x...
setlocal
set PORT=3001
set NETWORK=regtest
:parse
if "%~1"=="" goto run
if "%~1"=="--port" (set PORT=%~2& shift & shift & goto parse)
if "%~1"=="--p2p-port" (set P2P_PORT=%~2& shift & shift & goto parse)
if "%~1"=="--bootstrap" (set BOOTSTRAP_NODES=%~2& shift & shift & goto parse)
if "%~1"=="--miner" (set MINING_ADDRESS=%~2& shift & shift & goto parse)
if "%~1"=="--network" (set NETWORK=%~2& shift & shift & goto parse)
if "%~1"=="--data-dir" (set DATA_DIR=%~2& shift & shift & goto parse)
echo unknown option: %~1
exit /b 2
:run
if "%DATA_DIR%"=="" set DATA_DIR=data\node-%PORT%
cd /d "%~dp0"
node scripts\build.mjs --if-stale || exit /b 1
node --max-semi-space-size=32 packages\node\dist\main.js
