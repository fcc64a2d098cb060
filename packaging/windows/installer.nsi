; Installer for odoo-pos-cashdrawer (NSIS 3). Built by scripts/build-dist.sh:
;   makensis -DVERSION=1.2.3 -DEXE=path\to.exe -DCONFIG=path\to\config.ini -DOUTFILE=setup.exe
;
; What it does (each step logged in the details window):
; - installs the exe under Program Files\OdooPOS Cashdrawer;
; - creates C:\ProgramData\OdooPOS with a default config.ini, keeping an existing one
;   (upgrades from the Python service keep their config), and restricts its ACL with
;   icacls: SYSTEM and Administrators full control, ordinary users nothing except
;   reading logs\ (config.ini holds the admin password hash, tls\ the HTTPS key);
; - optionally stops and disables the old Python service / scheduled task
;   "OdooPOSCashdrawerService" (it holds port 22548), with `service disable-legacy`
;   and schtasks;
; - registers the Event Log source "OdooPOS Cashdrawer" (service start/stop, errors,
;   refused callers and logins go to the Application log), then registers and starts
;   the Windows service "OdooPOSCashdrawer";
; - optionally opens TCP 22548 in the firewall (local subnet only);
; - optionally trusts the local CA the service generates in tls\ca.pem (the issuer of
;   its HTTPS certificate tls\cert.pem, reissued when the addresses change);
; - adds a Start-menu link to http://localhost:22548/config.
; Silent: setup.exe /S [/NOFIREWALL] [/NOCERT] [/KEEPLEGACY] [/D=C:\other\dir]
; Uninstall: uninstall.exe [/S] [/PURGE]  (/PURGE also deletes C:\ProgramData\OdooPOS)

Target amd64-unicode
Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef EXE
  !error "pass -DEXE=path to odoo-pos-cashdrawer.exe"
!endif
!ifndef CONFIG
  !error "pass -DCONFIG=path to the default config.ini"
!endif
!ifndef NUMVERSION
  !define NUMVERSION "${VERSION}"
!endif
!ifndef OUTFILE
  !define OUTFILE "odoo-pos-cashdrawer-${VERSION}-setup.exe"
!endif

!define PRODUCT "Odoo POS Cashdrawer"
!define SERVICE "OdooPOSCashdrawer"
!define LEGACY "OdooPOSCashdrawerService"
!define PORT "22548"
!define FIREWALL_RULE "Odoo POS Cashdrawer (TCP 22548)"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\OdooPOSCashdrawer"
!define DATA "$APPDATA\OdooPOS"  ; C:\ProgramData\OdooPOS under SetShellVarContext all
!define BIN "$INSTDIR\odoo-pos-cashdrawer.exe"
; Event Log source (src/logs/event_log.rs SOURCE). EventCreate.exe's message table has a
; "%1" message for ids 1..1000: the viewer shows our text as is.
!define EVENT_SOURCE "OdooPOS Cashdrawer"
!define EVENT_KEY "SYSTEM\CurrentControlSet\Services\EventLog\Application\${EVENT_SOURCE}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\OdooPOS Cashdrawer"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${NUMVERSION}.0"
VIAddVersionKey /LANG=1036 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${PRODUCT}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "MIT"

!define MUI_ICON "icon.ico"
!define MUI_UNICON "icon.ico"
!define MUI_FINISHPAGE_LINK "Ouvrir la page d'administration"
!define MUI_FINISHPAGE_LINK_LOCATION "http://localhost:${PORT}/config"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "English"

; Runs a command hidden, logs its output, leaves the exit code in $0.
!macro Run cmd
  nsExec::ExecToLog `${cmd}`
  Pop $0
  DetailPrint "  -> code $0"
!macroend

; The old Python service holds port 22548: it must stop before ours starts. This
; section only carries the checkbox; the work is done in SecMain, by the new exe.
Section "Arrêter et désactiver l'ancien service Python (${LEGACY})" SecLegacy
SectionEnd

Section "!${PRODUCT} (service Windows)" SecMain
  SectionIn RO
  SetShellVarContext all
  SetRegView 64

  ; Upgrade: the running service holds the exe open.
  ${If} ${FileExists} "${BIN}"
    DetailPrint "Arrêt du service existant"
    !insertmacro Run `"${BIN}" service stop`
  ${EndIf}

  SetOutPath "$INSTDIR"
  File "/oname=odoo-pos-cashdrawer.exe" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Data folder: default config.ini only when there is none.
  CreateDirectory "${DATA}"
  CreateDirectory "${DATA}\logs"
  SetOutPath "${DATA}"
  SetOverwrite off
  File "/oname=config.ini" "${CONFIG}"
  SetOverwrite on
  DetailPrint "Droits du dossier ${DATA} (SYSTEM, Administrateurs; Utilisateurs: logs en lecture)"
  !insertmacro Run `icacls "${DATA}" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F /T /C /Q`
  !insertmacro Run `icacls "${DATA}\logs" /grant:r *S-1-5-32-545:(OI)(CI)RX /T /C /Q`

  ${If} ${SectionIsSelected} ${SecLegacy}
    DetailPrint "Ancien service ${LEGACY}: arrêt et désactivation"
    !insertmacro Run `"${BIN}" service disable-legacy`
    nsExec::Exec `schtasks /Query /TN ${LEGACY}`
    Pop $0
    ${If} $0 == 0
      !insertmacro Run `schtasks /End /TN ${LEGACY}`
      !insertmacro Run `schtasks /Change /TN ${LEGACY} /DISABLE`
    ${EndIf}
  ${EndIf}

  DetailPrint "Journal d'événements Windows: source ${EVENT_SOURCE}"
  WriteRegExpandStr HKLM "${EVENT_KEY}" "EventMessageFile" "%SystemRoot%\System32\EventCreate.exe"
  WriteRegDWORD HKLM "${EVENT_KEY}" "TypesSupported" 7

  DetailPrint "Service ${SERVICE}: installation et démarrage"
  !insertmacro Run `"${BIN}" --data-dir "${DATA}" service install`
  ${If} $0 != 0
    MessageBox MB_ICONEXCLAMATION "L'installation du service a échoué (code $0)." /SD IDOK
  ${EndIf}
  !insertmacro Run `"${BIN}" service start`
  ${If} $0 != 0
    MessageBox MB_ICONEXCLAMATION "Le service n'a pas démarré (code $0). Le port ${PORT} est-il pris par l'ancien service ? Voir ${DATA}\logs." /SD IDOK
  ${EndIf}

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  WriteINIStr "$SMPROGRAMS\${PRODUCT}\Administration ${PRODUCT}.url" "InternetShortcut" "URL" "http://localhost:${PORT}/config"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}\Désinstaller ${PRODUCT}.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "odoo-pos-cashdrawer"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "${BIN}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Pare-feu: autoriser le port ${PORT} depuis le réseau local" SecFirewall
  DetailPrint "Pare-feu: règle ${FIREWALL_RULE}"
  nsExec::Exec `netsh advfirewall firewall delete rule name="${FIREWALL_RULE}"`
  Pop $0
  !insertmacro Run `netsh advfirewall firewall add rule name="${FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${PORT} remoteip=localsubnet profile=any`
SectionEnd

; The service writes its local CA, tls\ca.pem, on its first start (an upgrade from 1.0
; or 1.1 too): wait for it (up to 15 s). The CA, not the leaf, goes into the Root store:
; the service reissues its leaf from it when the machine's addresses change (DHCP) and
; this trust stays valid. The CA key, tls\ca-key.pem, never leaves the data folder, whose
; ACL (above) gives it to SYSTEM and Administrators only.
Section "Faire confiance au certificat HTTPS (https://localhost:${PORT})" SecCert
  SetShellVarContext all
  SetRegView 64
  StrCpy $1 0
  ${DoWhile} $1 < 30
    ${IfThen} ${FileExists} "${DATA}\tls\ca.pem" ${|} ${Break} ${|}
    Sleep 500
    IntOp $1 $1 + 1
  ${Loop}
  ${IfNot} ${FileExists} "${DATA}\tls\ca.pem"
    DetailPrint "Autorité ${DATA}\tls\ca.pem absente: rien à approuver"
    Return
  ${EndIf}
  ; An earlier version trusted its self-signed leaf: no longer served, so withdrawn.
  ReadRegStr $1 HKLM "${UNINST_KEY}" "CertThumbprint"
  ${If} $1 != ""
    DetailPrint "Ancien certificat $1: retrait des autorités racines"
    nsExec::Exec `certutil -delstore Root $1`
    Pop $0
    DeleteRegValue HKLM "${UNINST_KEY}" "CertThumbprint"
  ${EndIf}
  DetailPrint "Autorité locale: ajout aux autorités racines de confiance de l'ordinateur"
  !insertmacro Run `certutil -addstore -f Root "${DATA}\tls\ca.pem"`
  ${If} $0 == 0
    ; Remember its thumbprint so the uninstaller removes exactly this certificate.
    nsExec::ExecToStack `powershell -NoProfile -NonInteractive -Command "(New-Object System.Security.Cryptography.X509Certificates.X509Certificate2('${DATA}\tls\ca.pem')).Thumbprint"`
    Pop $0
    Pop $2
    ${If} $0 == 0
      StrCpy $2 $2 40
      WriteRegStr HKLM "${UNINST_KEY}" "CertThumbprint" "$2"
    ${EndIf}
  ${EndIf}
SectionEnd

LangString DESC_Legacy ${LANG_FRENCH} "Arrête l'ancien service Python qui occupe le port ${PORT} (il n'est pas supprimé)."
LangString DESC_Legacy ${LANG_ENGLISH} "Stops the old Python service holding port ${PORT} (it is not removed)."
LangString DESC_Main ${LANG_FRENCH} "Le programme et le service Windows, démarré avec l'ordinateur."
LangString DESC_Main ${LANG_ENGLISH} "The program and the Windows service, started with the computer."
LangString DESC_Firewall ${LANG_FRENCH} "Nécessaire si Odoo tourne sur une autre machine du réseau du magasin."
LangString DESC_Firewall ${LANG_ENGLISH} "Needed when Odoo runs on another machine of the shop network."
LangString DESC_Cert ${LANG_FRENCH} "Nécessaire si Odoo est en https: le navigateur fera confiance à https://localhost:${PORT}."
LangString DESC_Cert ${LANG_ENGLISH} "Needed when Odoo runs on https: the browser trusts https://localhost:${PORT}."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecLegacy} $(DESC_Legacy)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} $(DESC_Main)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecFirewall} $(DESC_Firewall)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecCert} $(DESC_Cert)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NOFIREWALL" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecFirewall}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOCERT" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecCert}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/KEEPLEGACY" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecLegacy}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  DetailPrint "Service ${SERVICE}: arrêt et suppression"
  !insertmacro Run `"${BIN}" service uninstall`
  DetailPrint "Pare-feu: suppression de la règle"
  !insertmacro Run `netsh advfirewall firewall delete rule name="${FIREWALL_RULE}"`
  ReadRegStr $1 HKLM "${UNINST_KEY}" "CertThumbprint"
  ${If} $1 != ""
    DetailPrint "Autorité locale $1: retrait des autorités racines"
    !insertmacro Run `certutil -delstore Root $1`
  ${EndIf}

  Delete "$SMPROGRAMS\${PRODUCT}\Administration ${PRODUCT}.url"
  Delete "$SMPROGRAMS\${PRODUCT}\Désinstaller ${PRODUCT}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  Delete "${BIN}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
  DetailPrint "Journal d'événements Windows: suppression de la source ${EVENT_SOURCE}"
  DeleteRegKey HKLM "${EVENT_KEY}"

  ; The data folder (config, logs, certificate) stays unless asked: a reinstall or
  ; the old service finds its configuration again.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    RMDir /r "${DATA}"
  ${Else}
    MessageBox MB_YESNO|MB_DEFBUTTON2|MB_ICONQUESTION "Supprimer aussi la configuration et les journaux (${DATA}) ?" /SD IDNO IDNO keep
    RMDir /r "${DATA}"
    keep:
  ${EndIf}
SectionEnd
