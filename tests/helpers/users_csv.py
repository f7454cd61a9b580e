"""A valid CSV of people to import, shared by the import and profile tests."""

HEADER = (
    "email,name_latin,name_arabic,role,region,province,institution,job_function,"
    "preferred_language,password\n"
)


GOOD_ROWS = (
    "amal@souss.ma,Amal Idrissi,أمل الإدريسي,learner,souss-massa,tiznit,"
    "Commune de Tiznit,Agente,ar,"
    "a long password here\n"
    "omar@oriental.ma,Omar Tazi,,coordinator,oriental,,Conseil régional,Coordinateur,fr,\n"
)
