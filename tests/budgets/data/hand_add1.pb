META
key;value
description;Add1 keeps the last outcome that fits, not the first exhaustive one
country;United Kingdom
unit;Fernbridge
instance;hand-add1
num_projects;3
num_votes;3
budget;80
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
1;20;Games for the youth club
2;10;Chess sets
3;60;Skate ramp
VOTES
voter_id;vote
1;3
2;1
3;2,3
