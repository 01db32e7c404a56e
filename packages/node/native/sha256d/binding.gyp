{
  "targets": [
    {
      "target_name": "sha256d",
      "sources": ["src/addon.c", "src/scan_portable.c"],
      "cflags": ["-O3"],
      "cflags_c": ["-std=c11"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=c11"] },
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "defines": ["SHA256D_HAVE_SHANI"],
          "dependencies": ["sha256d_shani"]
        }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64' or target_arch=='ia32'", {
      "targets": [
        {
          "target_name": "sha256d_shani",
          "type": "static_library",
          "sources": ["src/scan_shani.c", "src/hash_shani.c"],
          "defines": ["SHA256D_HAVE_SHANI"],
          "cflags": ["-O3", "-fPIC", "-msha", "-mssse3", "-msse4.1"],
          "cflags_c": ["-std=c11"],
          "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-msha", "-mssse3", "-msse4.1"] }
        }
      ]
    }]
  ]
}
